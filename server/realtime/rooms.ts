// The socket.io rooms events are sent to. One place, so that learners, workshops and the
// terminal gateway agree on names without importing each other.

/** Every socket of one learner (all their tabs). */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/** The instructors watching one workshop's dashboard (/staff namespace). */
export function dashboardRoom(workshopId: string): string {
  return `workshop:${workshopId}`;
}

/** Every /staff socket of one staff session: signing out or expiring disconnects them. */
export function staffSessionRoom(sessionId: string): string {
  return `staff-session:${sessionId}`;
}
