import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';

/** A project's canvas and KPIs, as its tabs and the release judgement ask for them (one cache entry each). */
export const canvasQuery = (projectId: string) => ({
  queryKey: ['project', projectId, 'canvas'],
  queryFn: () => api.canvas.get(projectId),
});
export const kpisQuery = (projectId: string) => ({ queryKey: ['project', projectId, 'kpis'], queryFn: () => api.kpis.list(projectId) });

export function useCanvas(projectId: string) {
  return useQuery(canvasQuery(projectId));
}

export function useKpis(projectId: string) {
  return useQuery(kpisQuery(projectId));
}
