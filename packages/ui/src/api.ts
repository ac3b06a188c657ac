/**
 * The one client for the PS Book API. Every call goes through `request`, which sends the session
 * cookie (same origin), encodes JSON, and turns any error answer — RFC 9457 problem+json or not —
 * into an `ApiError` with a stable `code`, so screens never see raw JSON.
 */
import type {
  TActionOwner,
  TAdminUser,
  TBudgetCycle,
  TBureau,
  TCanvas,
  TCanvasRevisionSummary,
  TComparison,
  TConsultation,
  TConsultationDetail,
  TDocument,
  TExemption,
  TExpenseYears,
  TExtraction,
  TFollowUpAction,
  TGates,
  THistoryEvent,
  TImportResult,
  TInboxItem,
  TKpi,
  TNotification,
  TNotificationPreference,
  TNotificationSetting,
  TOutboxMail,
  TOutstandingYearly,
  TOversightEvaluation,
  TPortfolioRow,
  TProcurement,
  TProcurementStats,
  TProject,
  TReflectionOutcomeYear,
  TReleaseRequest,
  TReleaseRequestDetail,
  TRulesResponse,
  TSavedCanvas,
  TSignInMethods,
  TSignInSettings,
  TSimulationResult,
  TStageStats,
  TStatusReport,
  TStatusReportList,
  TTechReview,
  TTierDecrease,
  TTierHistoryEntry,
  TToken,
  TTransition,
  TUser,
  TYearlyReview,
} from './types.ts';

export const apiBase = '/api/v1';

export type FieldError = { path: string; message: string };
export type UnmetGate = { gate: string; message: string; messageEn?: string };

/** An error answer of the API (or a failure to reach it: status 0, code `network_error`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly errors: FieldError[];
  readonly currentVersion: number | undefined;
  readonly current: unknown;
  readonly unmet: UnmetGate[];
  readonly body: Record<string, unknown>;

  constructor(status: number, code: string, title: string, body: Record<string, unknown> = {}) {
    super(title || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.body = body;
    this.errors = Array.isArray(body.errors)
      ? body.errors
          .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
          .map((e) => ({ path: String(e.path ?? ''), message: String(e.message ?? '') }))
      : [];
    this.currentVersion = typeof body.currentVersion === 'number' ? body.currentVersion : undefined;
    this.current = body.current;
    this.unmet = Array.isArray(body.unmet)
      ? body.unmet
          .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
          .map((e) => ({
            gate: String(e.gate ?? ''),
            message: String(e.message ?? ''),
            messageEn: typeof e.messageEn === 'string' ? e.messageEn : undefined,
          }))
      : [];
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

/** The code an HTTP status means when the body says nothing usable. */
function codeForStatus(status: number): string {
  const known: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    412: 'precondition_failed',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    422: 'rule_violation',
    429: 'too_many_requests',
    503: 'database_unavailable',
  };
  return known[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

/** Read an error response into an ApiError, whatever its content type (proxies answer with HTML). */
export async function parseProblem(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const parsed: unknown = await response.json();
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      // A broken body still has a status worth reporting.
    }
  }
  const code = typeof body.code === 'string' && body.code ? body.code : codeForStatus(response.status);
  const title = typeof body.title === 'string' ? body.title : response.statusText;
  const status = typeof body.status === 'number' ? body.status : response.status;
  return new ApiError(status, code, title, body);
}

export type Query = Record<string, string | number | boolean | null | undefined | readonly (string | number)[]>;

export function toQueryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

type RequestOptions = {
  query?: Query;
  body?: unknown;
  /** Raw body (e.g. CSV text); sent as is with `contentType`. */
  rawBody?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

/** Send one request; resolve with the response or reject with an ApiError. */
/** How long a write waits for the server before the person is told (imports stream their own progress). */
const writeTimeoutMs = 30_000;

export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    if (options.contentType) headers['Content-Type'] = options.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  // Offline, a save would sit at 「保存中…」 until the browser gives up: say so at once instead.
  if (typeof navigator !== 'undefined' && navigator.onLine === false) throw new ApiError(0, 'offline', 'The browser is offline');
  // A write on a line that stopped answering fails after a while rather than spinning for ever.
  const deadline = method === 'GET' ? undefined : AbortSignal.timeout(writeTimeoutMs);
  const signal = options.signal && deadline ? AbortSignal.any([options.signal, deadline]) : (options.signal ?? deadline);
  let response: Response;
  try {
    response = await fetch(`${apiBase}${path}${toQueryString(options.query)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new ApiError(0, 'network_timeout', 'The server did not answer in time');
    }
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) throw new ApiError(0, 'offline', 'The browser is offline');
    throw new ApiError(0, 'network_error', 'The server could not be reached');
  }
  if (!response.ok) throw await parseProblem(response);
  return response;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return (await response.text()) as T;
  return (await response.json()) as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal });
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} });
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
export const del = <T = void>(path: string) => request<T>('DELETE', path);

/** A page of any list of the API (docs/api.md, "Lists and pagination"). */
export type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * Every item of a list the screen shows whole (a project's KPIs, documents …): the pages are read in
 * turn, 200 at a time, until `nextCursor` is null.
 */
const list = async <T>(path: string, query?: Query): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<Page<T>>(path, { ...query, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
};

const enc = encodeURIComponent;

export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type ProjectFilter = {
  bureau?: string;
  stage?: string;
  tier?: string;
  reviewerRole?: string;
  fiscalYear?: string;
  q?: string;
};

/** Every endpoint the UI uses, by noun. */
export const api = {
  auth: {
    /** The signed-in user, or null when nobody is (401). */
    me: async (): Promise<TUser | null> => {
      try {
        return await get<TUser>('/auth/me');
      } catch (error) {
        if (isApiError(error) && error.status === 401) return null;
        throw error;
      }
    },
    login: (email: string, password: string) => post<{ user: TUser; expiresAt: string }>('/auth/login', { email, password }),
    logout: () => post<void>('/auth/logout'),
    /** How to sign in here: password, and the organisation's OpenID Provider when configured (no session needed). */
    methods: () => get<TSignInMethods>('/auth/methods'),
    settings: () => get<TSignInSettings>('/auth/sign-in-settings'),
    updateSettings: (body: { localPasswords: boolean; version: number }) => put<TSignInSettings>('/auth/sign-in-settings', body),
  },
  bureaus: {
    list: () => list<TBureau>('/bureaus'),
    create: (body: unknown) => post<TBureau>('/admin/bureaus', body),
  },
  projects: {
    list: (filter: ProjectFilter, cursor?: string | null, limit = 50) =>
      get<{ items: TProject[]; nextCursor: string | null }>('/projects', { ...filter, cursor: cursor ?? undefined, limit }),
    get: (id: string) => get<TProject>(`/projects/${enc(id)}`),
    create: (body: unknown) => post<TProject>('/projects', body),
    update: (id: string, body: unknown) => patch<TProject>(`/projects/${enc(id)}`, body),
    tierHistory: (id: string) => list<TTierHistoryEntry>(`/projects/${enc(id)}/tier-history`),
    tierDecreases: (id: string) => list<TTierDecrease>(`/projects/${enc(id)}/tier-decreases`),
    gates: (id: string) => get<TGates>(`/projects/${enc(id)}/gates`),
    transitions: (id: string) => list<TTransition>(`/projects/${enc(id)}/transitions`),
    transition: (id: string, body: { to: string; reason?: string }) => post<TProject>(`/projects/${enc(id)}/transitions`, body),
    history: (id: string, cursor?: string | null) =>
      get<{ items: THistoryEvent[]; nextCursor: string | null }>(`/projects/${enc(id)}/history`, { cursor: cursor ?? undefined }),
    exportCsvUrl: (filter: ProjectFilter) => `${apiBase}/exports/projects.csv${toQueryString(filter)}`,
    exportXlsxUrl: (filter: ProjectFilter) => `${apiBase}/exports/projects.xlsx${toQueryString(filter)}`,
  },
  tierDecreases: {
    decide: (id: string, body: { decision: 'approved' | 'refused'; comment?: string; version: number }) =>
      post<TTierDecrease>(`/tier-decreases/${enc(id)}/decision`, body),
  },
  canvas: {
    get: (id: string) => get<TCanvas>(`/projects/${enc(id)}/canvas`),
    save: (id: string, body: unknown) => put<TSavedCanvas>(`/projects/${enc(id)}/canvas`, body),
    revisions: (id: string) => list<TCanvasRevisionSummary>(`/projects/${enc(id)}/canvas/revisions`),
    revision: (id: string, n: number) => get<TCanvas>(`/projects/${enc(id)}/canvas/revisions/${n}`),
  },
  kpis: {
    list: (id: string) => list<TKpi>(`/projects/${enc(id)}/kpis`),
    create: (id: string, body: unknown) => post<TKpi>(`/projects/${enc(id)}/kpis`, body),
    update: (id: string, kpiId: string, body: unknown) => patch<TKpi>(`/projects/${enc(id)}/kpis/${enc(kpiId)}`, body),
    measure: (id: string, kpiId: string, body: unknown) => post<TKpi>(`/projects/${enc(id)}/kpis/${enc(kpiId)}/measurements`, body),
  },
  documents: {
    list: (id: string) => list<TDocument>(`/projects/${enc(id)}/documents`),
    create: (id: string, body: unknown) => post<TDocument>(`/projects/${enc(id)}/documents`, body),
    remove: (id: string, docId: string) => del(`/projects/${enc(id)}/documents/${enc(docId)}`),
  },
  releases: {
    list: (projectId: string) => list<TReleaseRequest>(`/projects/${enc(projectId)}/release-requests`),
    create: (projectId: string, body: unknown) => post<TReleaseRequestDetail>(`/projects/${enc(projectId)}/release-requests`, body),
    get: (id: string) => get<TReleaseRequestDetail>(`/release-requests/${enc(id)}`),
    decide: (id: string, body: unknown) => post<TReleaseRequestDetail>(`/release-requests/${enc(id)}/decision`, body),
    update: (id: string, body: unknown) => patch<TReleaseRequestDetail>(`/release-requests/${enc(id)}`, body),
    withdraw: (id: string, body: { version: number; reason?: string }) =>
      post<TReleaseRequestDetail>(`/release-requests/${enc(id)}/withdraw`, body),
  },
  notifications: {
    list: (query: { unread?: 'true' }, cursor?: string | null, limit = 50) =>
      get<{ items: TNotification[]; nextCursor: string | null; unread: number }>('/notifications', {
        ...query,
        cursor: cursor ?? undefined,
        limit,
      }),
    unreadCount: () => get<{ unread: number }>('/notifications/unread-count'),
    markRead: (body: { ids: string[] } | { all: true }) => post<{ marked: number; unread: number }>('/notifications/read', body),
    preferences: () => get<{ items: TNotificationSetting[] }>('/notifications/preferences').then((r) => r.items),
    savePreferences: (items: TNotificationPreference[]) => put<{ items: TNotificationSetting[] }>('/notifications/preferences', { items }),
    defaults: () => get<{ items: TNotificationSetting[] }>('/admin/notification-defaults').then((r) => r.items),
    saveDefaults: (items: TNotificationPreference[]) => put<{ items: TNotificationSetting[] }>('/admin/notification-defaults', { items }),
    outbox: (query: { status?: string }, cursor?: string | null) =>
      get<{ items: TOutboxMail[]; nextCursor: string | null }>('/admin/outbox', { ...query, cursor: cursor ?? undefined, limit: 50 }),
  },
  supervision: {
    consultations: (projectId: string) => list<TConsultation>(`/projects/${enc(projectId)}/consultations`),
    openConsultation: (projectId: string, body: unknown) => post<TConsultationDetail>(`/projects/${enc(projectId)}/consultations`, body),
    consultation: (id: string) => get<TConsultationDetail>(`/consultations/${enc(id)}`),
    postMessage: (id: string, body: unknown) => post<TConsultationDetail>(`/consultations/${enc(id)}/messages`, body),
    closeConsultation: (id: string, version: number) => post<TConsultationDetail>(`/consultations/${enc(id)}/close`, { version }),
    reports: (projectId: string) => get<TStatusReportList>(`/projects/${enc(projectId)}/status-reports`),
    fileReport: (projectId: string, body: unknown) => post<TStatusReport>(`/projects/${enc(projectId)}/status-reports`, body),
    assess: (projectId: string, period: string, body: unknown) =>
      put<TStatusReport>(`/projects/${enc(projectId)}/status-reports/${enc(period)}/assessment`, body),
    portfolio: (query: Query) => list<TPortfolioRow>('/supervision/portfolio', query),
    portfolioCsvUrl: (query: Query) => `${apiBase}/supervision/portfolio.csv${toQueryString(query)}`,
    actions: (projectId: string) => list<TFollowUpAction>(`/projects/${enc(projectId)}/actions`),
    owners: (projectId: string) => list<TActionOwner>(`/projects/${enc(projectId)}/action-owners`),
    raiseAction: (projectId: string, body: unknown) => post<TFollowUpAction>(`/projects/${enc(projectId)}/actions`, body),
    updateAction: (id: string, body: unknown) => patch<TFollowUpAction>(`/actions/${enc(id)}`, body),
    exemptions: (projectId: string) => list<TExemption>(`/projects/${enc(projectId)}/exemptions`),
    requestExemption: (projectId: string, body: unknown) => post<TExemption>(`/projects/${enc(projectId)}/exemptions`, body),
    decideExemption: (id: string, body: unknown) => post<TExemption>(`/exemptions/${enc(id)}/decision`, body),
  },
  reviews: {
    inbox: () => get<Page<TInboxItem>>('/reviews/inbox'),
  },
  yearlyReviews: {
    list: (projectId: string) => list<TYearlyReview>(`/projects/${enc(projectId)}/yearly-reviews`),
    create: (projectId: string, body: unknown) => post<TYearlyReview>(`/projects/${enc(projectId)}/yearly-reviews`, body),
    decideRetirement: (projectId: string, fiscalYear: number, body: unknown) =>
      post<TYearlyReview>(`/projects/${enc(projectId)}/yearly-reviews/${fiscalYear}/retirement`, body),
    outstanding: (fiscalYear?: number) => get<TOutstandingYearly>('/yearly-reviews/outstanding', { fiscalYear }),
  },
  budget: {
    cycles: () => list<TBudgetCycle>('/budget-cycles'),
    createCycle: (body: unknown) => post<TBudgetCycle>('/budget-cycles', body),
    extract: (fy: number) => post<TExtraction>(`/budget-cycles/${fy}/extract`),
    submit: (fy: number) => post<TBudgetCycle>(`/budget-cycles/${fy}/submit`),
    /** Every tech review the filter matches, all pages read. */
    techReviews: async (query: Query) => ({ items: await list<TTechReview>('/tech-reviews', query) }),
    updateTechReview: (id: string, body: unknown) => patch<TTechReview>(`/tech-reviews/${enc(id)}`, body),
    comparison: (fy: number) => get<TComparison & { fiscalYear: number }>(`/budget-cycles/${fy}/comparison`),
    reflect: (id: string, body: unknown) => put<TTechReview>(`/tech-reviews/${enc(id)}/reflection`, body),
    reflectionOutcomes: () => list<TReflectionOutcomeYear>('/tech-reviews/reflection-outcomes'),
    csvUrl: (fiscalYear: number) => `${apiBase}/tech-reviews.csv${toQueryString({ fiscalYear })}`,
    xlsxUrl: (fiscalYear: number) => `${apiBase}/tech-reviews.xlsx${toQueryString({ fiscalYear })}`,
  },
  tokens: {
    list: () => list<TToken>('/tokens'),
    create: (body: unknown) => post<TToken & { token: string }>('/tokens', body),
    revoke: (id: string) => del(`/tokens/${enc(id)}`),
  },
  procurements: {
    ofProject: (projectId: string) => list<TProcurement>(`/projects/${enc(projectId)}/procurements`),
    create: (projectId: string, body: unknown) => post<TProcurement>(`/projects/${enc(projectId)}/procurements`, body),
    update: (projectId: string, procurementId: string, body: unknown) =>
      patch<TProcurement>(`/projects/${enc(projectId)}/procurements/${enc(procurementId)}`, body),
    list: (query: Query, cursor?: string | null) =>
      get<{ items: TProcurement[]; nextCursor: string | null }>('/procurements', { ...query, cursor: cursor ?? undefined }),
    stats: (query?: Query) => get<TProcurementStats>('/procurements/stats', query),
    csvUrl: (query: Query) => `${apiBase}/procurements.csv${toQueryString(query)}`,
    xlsxUrl: (query: Query) => `${apiBase}/procurements.xlsx${toQueryString(query)}`,
  },
  imports: {
    /** Stream the import: NDJSON progress lines, then the result. */
    expenses: async (
      file: Blob | string,
      options: { dryRun: boolean; onProgress?: (processed: number) => void; signal?: AbortSignal; workbook?: { sheet?: string } },
    ): Promise<TImportResult> => {
      const response = await send('POST', '/imports/expenses', {
        query: { dryRun: options.dryRun ? 'true' : undefined, sheet: options.workbook?.sheet || undefined },
        rawBody: file,
        contentType: options.workbook ? xlsxContentType : 'text/csv',
        headers: { Accept: 'application/x-ndjson' },
        signal: options.signal,
      });
      return readImportStream(response, options.onProgress);
    },
  },
  stats: {
    registrations: (interval: 'week' | 'month' = 'week') => get<unknown>('/stats/registrations', { interval }),
    expenses: (fiscalYear?: number) => get<unknown>('/stats/expenses', { fiscalYear }),
    expenseYears: () => get<TExpenseYears>('/stats/expenses/years'),
    expensesXlsxUrl: (fiscalYear?: number) => `${apiBase}/stats/expenses.xlsx${toQueryString({ fiscalYear })}`,
    stages: () => get<TStageStats>('/stats/stages'),
  },
  oversight: {
    evaluate: (body: unknown, signal?: AbortSignal) => request<TOversightEvaluation>('POST', '/oversight/evaluate', { body, signal }),
  },
  rules: {
    get: () => get<TRulesResponse>('/rules'),
    simulate: (body: unknown) => post<TSimulationResult>('/rules/simulate', body),
  },
  audit: {
    list: (query: Query, cursor?: string | null) =>
      get<{ items: THistoryEvent[]; nextCursor: string | null }>('/audit', { ...query, cursor: cursor ?? undefined }),
  },
  users: {
    list: (query?: Query, cursor?: string | null) =>
      get<{ items: TAdminUser[]; nextCursor: string | null }>('/admin/users', { ...query, cursor: cursor ?? undefined }),
    /** Every user the filter matches, all pages read. */
    all: (query: Query) => list<TAdminUser>('/admin/users', query),
    create: (body: unknown) => post<TAdminUser>('/admin/users', body),
    update: (id: string, body: unknown) => patch<TAdminUser>(`/admin/users/${enc(id)}`, body),
  },
};

/**
 * Read an NDJSON import answer: `{type:'progress', processed}` lines, then one `{type:'result'}`.
 * A JSON (non-streamed) answer is accepted too.
 */
export async function readImportStream(response: Response, onProgress?: (processed: number) => void): Promise<TImportResult> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('ndjson') || !response.body) {
    const body = (await response.json()) as Record<string, unknown>;
    return (body.type === 'result' ? body : { ...body, type: 'result' }) as TImportResult;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let result: TImportResult | null = null;
  const handle = (line: string) => {
    if (!line.trim()) return;
    const message = JSON.parse(line) as Record<string, unknown>;
    if (message.type === 'progress' && typeof message.processed === 'number') onProgress?.(message.processed);
    else if (message.type === 'result') result = message as TImportResult;
    else if (message.type === 'error')
      throw new ApiError(Number(message.status ?? 500), String(message.code ?? 'internal'), String(message.title ?? ''), message);
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      handle(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  }
  handle(buffer);
  if (!result) throw new ApiError(500, 'internal', 'The import ended without a result');
  return result;
}
