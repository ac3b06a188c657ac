import './styles.css';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { isApiError } from './api.ts';
import { createAppRouter, preloadScreensFor } from './app.tsx';

import { meKey, meQuery } from './auth.ts';
import { bureausQuery } from './components/bureaus.ts';
import { initI18n } from './i18n/index.ts';

/** A 401 anywhere means the session ended: forget the user, and the layout sends them to sign-in. */
function onAnyError(error: unknown) {
  if (isApiError(error) && error.status === 401) queryClient.setQueryData(meKey, null);
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onAnyError }),
  mutationCache: new MutationCache({ onError: onAnyError }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Retry only what may pass on a second try: the network or the server, not 4xx answers.
      retry: (count, error) => count < 2 && (!isApiError(error) || error.status === 0 || error.status >= 500),
    },
    // React Query pauses a mutation while the browser is offline, which left a save at 「保存中…」 with
    // no word for as long as the line was down. Sent at once, it fails with the offline message
    // (api.ts) and what the person typed stays in the form.
    mutations: { networkMode: 'always' },
  },
});

// The sign-in check and the screen's code are fetched together, and the app is first drawn when
// that code and the screen's first data are here (app.tsx preloadScreensFor; until then
// index.html's own loading indicator shows).
void queryClient.prefetchQuery(meQuery);
// The frame waits for the names of the user's bureaus (its header shows them), so they are asked
// beside the sign-in check rather than after it. Not on the sign-in screen, where it would only be refused.
if (window.location.pathname !== '/sign-in') void queryClient.prefetchQuery(bureausQuery);
const screens = preloadScreensFor(new URL(window.location.href), queryClient);

/**
 * Work done in a task of its own once the requests above have left. Setting up the words (with
 * the stored language) and the router took 10–20 ms each on a phone, and done while this module is
 * evaluated they made one task of 50 ms with it, which Lighthouse counts as blocking
 * (performance §4.9).
 */
const inTaskOfItsOwn = <T,>(work: () => T) =>
  new Promise<T>((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(work());
      } catch (error) {
        reject(error);
      }
    }),
  );

// The first render is a transition, which React renders in slices that yield to the browser
// (about 5 ms each) instead of one task: on a slow phone that task blocked the main thread for
// hundreds of milliseconds (Lighthouse's total blocking time). The loading indicator stays until
// the screen is ready.
void Promise.all([inTaskOfItsOwn(() => initI18n()), inTaskOfItsOwn(createAppRouter), screens]).then(([, router]) => {
  const root = createRoot(document.getElementById('root')!);
  startTransition(() =>
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </StrictMode>,
    ),
  );
});
