/** The application's name and version, as the transcript records them. */
export const APP_NAME = "Ceremony Workstation";
export const APP_VERSION = "0.1.0";
