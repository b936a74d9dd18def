// Shared by the server and the instructor pages: what learners see of a staff member who has
// not chosen a display name.
export const DISPLAY_NAME_FALLBACK = "Your instructor";
