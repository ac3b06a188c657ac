import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, isApiError } from '../api.ts';
import { meKey, useMe } from '../auth.ts';
import { Loading, useDocumentTitle } from '../components/common.tsx';
import { ErrorSummary } from '../components/field.tsx';
import { LanguageSwitch } from '../components/layout.tsx';
import { describeError } from '../errors.ts';

/** Only paths inside this app: never bounce to another site after sign-in. */
function safeNext(value: string | null): string {
  return value?.startsWith('/') && !value.startsWith('//') ? value : '/';
}

export default function SignIn() {
  const { t } = useTranslation();
  useDocumentTitle(t('auth.title'));
  const me = useMe();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ email?: boolean; password?: boolean }>({});
  const ids = { email: useId(), password: useId(), hint: useId() };
  const next = safeNext(params.get('next'));
  const methods = useQuery({ queryKey: ['auth', 'methods'], queryFn: api.auth.methods, staleTime: 5 * 60_000, retry: false });
  const oidc = methods.data?.oidc ?? null;
  const isPasswordOff = methods.data?.password === false;
  const signedOut = params.get('signedOut') === '1';

  const login = useMutation({
    mutationFn: () => api.auth.login(email.trim(), password),
    onSuccess: (result) => {
      queryClient.setQueryData(meKey, result.user);
      navigate(next, { replace: true });
    },
  });

  if (me.isPending) return <Loading />;
  if (me.data) return <Navigate to={next} replace />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const missingNow = { email: !email.trim(), password: !password };
    setMissing(missingNow);
    if (missingNow.email || missingNow.password) return;
    login.mutate();
  };

  const error = login.error;
  const errorText =
    error && isApiError(error) && error.code === 'invalid_credentials'
      ? t('auth.invalidCredentials')
      : error
        ? describeError(error, t)
        : null;

  return (
    <div className="sign-in-page">
      <header className="sign-in-header">
        <p className="brand-name">{t('common.appName')}</p>
        <LanguageSwitch />
      </header>
      <main id="main" className="sign-in-main">
        <h1>{t('auth.title')}</h1>
        <p className="lead">{t('auth.lead')}</p>
        {signedOut ? (
          <div className="alert" role="status">
            {t('auth.signedOut')}
            {oidc?.endSessionUrl ? (
              <>
                {' '}
                <a href={oidc.endSessionUrl}>{t('auth.providerSignOut')}</a>
              </>
            ) : null}
          </div>
        ) : null}
        {oidc ? (
          <div className="sign-in-sso">
            <a className="button sign-in-sso-button" href={`${oidc.startUrl}?returnTo=${encodeURIComponent(next)}`}>
              {oidc.label ? t('auth.ssoWith', { name: oidc.label }) : t('auth.sso')}
            </a>
            <p className="small muted">{isPasswordOff ? t('auth.ssoOnlyHint') : t('auth.ssoHint')}</p>
          </div>
        ) : null}
        {isPasswordOff ? (
          <details className="disclosure">
            <summary>{t('auth.breakGlass')}</summary>
            {passwordForm()}
          </details>
        ) : (
          passwordForm()
        )}
        <section className="hint-box" id={ids.hint} aria-labelledby={`${ids.hint}-title`}>
          <h2 id={`${ids.hint}-title`}>{t('auth.hintTitle')}</h2>
          <p>{oidc ? t('auth.ssoAccountHint') : t('auth.hint')}</p>
          {isPasswordOff ? null : <p>{t('auth.demoHint')}</p>}
        </section>
      </main>
    </div>
  );

  function passwordForm() {
    return (
      <form onSubmit={onSubmit} noValidate className="form sign-in-form" aria-describedby={ids.hint}>
        <ErrorSummary
          items={[
            ...(missing.email ? [{ id: ids.email, message: t('auth.emailRequired') }] : []),
            ...(missing.password ? [{ id: ids.password, message: t('auth.passwordRequired') }] : []),
            ...(errorText ? [{ id: ids.email, message: errorText }] : []),
          ]}
        />
        <div className="field">
          <label htmlFor={ids.email}>
            {t('auth.email')} <span className="required">{t('common.required')}</span>
          </label>
          <input
            id={ids.email}
            type="text"
            inputMode="email"
            name="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={missing.email || undefined}
            aria-describedby={missing.email ? `${ids.email}-error` : undefined}
          />
          {missing.email ? (
            <p className="field-error" id={`${ids.email}-error`}>
              {t('auth.emailRequired')}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={ids.password}>
            {t('auth.password')} <span className="required">{t('common.required')}</span>
          </label>
          <input
            id={ids.password}
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={missing.password || undefined}
            aria-describedby={missing.password ? `${ids.password}-error` : undefined}
          />
          {missing.password ? (
            <p className="field-error" id={`${ids.password}-error`}>
              {t('auth.passwordRequired')}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button" disabled={login.isPending}>
          {login.isPending ? t('auth.signingIn') : t('auth.submit')}
        </button>
      </form>
    );
  }
}
