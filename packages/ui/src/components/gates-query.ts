import { api } from '../api.ts';
import type { TProject } from '../types.ts';

/**
 * A project's gate status at a version of the project (a save that changes a gate makes a new
 * version), as home, the overview, the stepper's next-step notice and the supervision tab ask for it.
 * A module of its own so home asks for it without loading the stepper.
 */
export const gatesQuery = (project: Pick<TProject, 'id' | 'version'>) => ({
  queryKey: ['project', project.id, 'gates', project.version],
  queryFn: () => api.projects.gates(project.id),
});
