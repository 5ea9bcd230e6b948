// The current view lives in the URL's hash (#/events), so a reload keeps it. Hash changes are
// same-document navigations: the main process's navigation guard never sees them.
import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_VIEW, VIEWS, type ViewId } from './views.tsx';

export function viewFromHash(hash: string): ViewId {
  const id = hash.replace(/^#\/?/, '').split('/')[0];
  return VIEWS.find((view) => view.id === id)?.id ?? DEFAULT_VIEW;
}

export function useRoute(): [ViewId, (id: ViewId) => void] {
  const [view, setView] = useState<ViewId>(() => viewFromHash(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setView(viewFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((id: ViewId) => {
    window.location.hash = `/${id}`;
  }, []);
  return [view, navigate];
}
