/** The part of pa11y 9's API these checks use (the package ships no types). */
declare module 'pa11y' {
  type Issue = { code: string; type: 'error' | 'warning' | 'notice'; message: string; selector: string; runner: string };
  type Options = {
    runners?: string[];
    standard?: string;
    headers?: Record<string, string>;
    timeout?: number;
    wait?: number;
    chromeLaunchConfig?: { executablePath?: string; args?: string[] };
    browser?: unknown;
    page?: unknown;
    /** A CSS selector of elements both runners leave out. */
    hideElements?: string;
  };
  export default function pa11y(url: string, options?: Options): Promise<{ documentTitle: string; pageUrl: string; issues: Issue[] }>;
}
