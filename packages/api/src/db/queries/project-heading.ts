/**
 * The columns that name a row's project in every list and view of a project's rows (the domain's
 * `projectHeadingOf` maps them), selected from the project joined as `p`.
 */
export const projectHeading = ['p.code as projectCode', 'p.name as projectName', 'p.bureauCode'] as const;

/** Who requested and who decided, from the users joined as `requester` and `decider`. */
export const requesterAndDecider = ['requester.displayName as requestedByName', 'decider.displayName as decidedByName'] as const;
