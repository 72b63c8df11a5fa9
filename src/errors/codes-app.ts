import { entry } from "./advice.ts";

const service = (advice: "retry" | "choose-another" | "stop", officer: string) => entry("api", ["ServiceError"], advice, officer);
const ipc = (officer: string) => entry("electron", ["ApiError"], "stop", officer);

/** The core service (src/api), the command line (src/cli), the printing layer, the Electron shell and the renderer. */
export const APP_ERRORS = {
  INPUT_FILE_MISSING: entry("core", ["InputFileError"], "choose-another", "The file named does not exist. Check the path, or choose another file."),
  INPUT_FILE_DIRECTORY: entry("core", ["InputFileError"], "choose-another", "The path names a folder, not a file. Choose the file itself."),
  INPUT_FILE_NOT_REGULAR: entry("core", ["InputFileError"], "choose-another", "The path names a device, a pipe or another special file, not a regular file. Choose a regular file."),
  INPUT_FILE_TOO_LARGE: entry("core", ["InputFileError"], "choose-another", "The file is larger than any file of its kind; it is not read. Choose the right file."),
  INPUT_FILE_UNREADABLE: entry("core", ["InputFileError"], "choose-another", "The file cannot be read by this user. Check its permissions and the media, or choose another file."),
  SHARE_INPUT_TOO_LARGE: entry("cli", ["CeremonyError"], "choose-another", "Standard input holds more than any set of share cards could. Give the cards' words or QR text only."),
  PRINT_INPUT_INVALID: entry("print", ["PrintInputError"], "stop", "The data handed to a printed page cannot be printed as given; nothing was printed. This is a fault in the program; report it."),
  REPORT_NO_BUNDLES: entry(
    "evidence",
    ["NoBundlesError"],
    "choose-another",
    "No ceremony bundle was found where the report was asked to look, so there is nothing to report on. Give bundle folders, or a folder that holds them.",
  ),
  REPORT_AS_OF: service("choose-another", "The report's as-of date is not a date. Give it as 2027-12-31."),
  SCRIPT_NAME: service("choose-another", "That is not a ceremony script name. Choose a script from the list."),
  NO_CEREMONY: service("retry", "No ceremony is open. Start one from the start screen."),
  CEREMONY_OPEN: service("retry", "A ceremony is still open. Finish or abort it first."),
  CEREMONY_NOT_UNFINISHED: service("choose-another", "The journal holds no unfinished ceremony by that ID. Choose one listed on the start screen."),
  RESUME_WRONG_TOKEN: service("choose-another", "The ceremony ran on another token. Connect and choose the token it names to resume it."),
  REHEARSAL_NOT_RESUMABLE: service("stop", "A rehearsal's throwaway token does not survive a restart, so the rehearsal cannot be resumed. Abandon it and start the rehearsal again."),
  ABANDON_NOT_REHEARSAL: service("choose-another", "Only a rehearsal is abandoned from the start screen. Resume a real ceremony on its token, then abort it from the officer console."),
  TOKEN_REQUIRED: entry("api", ["ServiceError", "CeremonyError"], "retry", "Choose the HSM token (label and serial, or --token LABEL on the command line) for this ceremony."),
  ACTION_RUNNING: service("retry", "The step's action is already running; wait for it to finish."),
  CARD_UNKNOWN: service("choose-another", "That participant holds no printed card of this ceremony."),
  JOURNAL_MISSING: entry("cli", ["CeremonyError"], "choose-another", "There is no journal at that path. Give the ceremony's journal with --journal DB."),
  CARDS_NOT_HERE: entry("cli", ["CeremonyError"], "stop", "Finishing a ceremony from its journal prints no cards; a step that prints cannot run here."),
  TERMINAL_ECHO: entry("cli", ["EchoControlError"], "choose-another", "This terminal cannot turn echo off, so PINs and share words would be shown. Run the ceremony from a terminal that can."),
  TOKEN_CHOICE_TWICE: entry("cli", ["CeremonyError"], "choose-another", "Name the token either with --token-uri or with --token/--serial, not both."),
  TOKEN_CHOICE_MODULE: entry("cli", ["CeremonyError"], "choose-another", "--module and the token URI's module-path differ; give one of them."),
  SERVICE_MISSING: entry("electron", ["CeremonyError"], "stop", "This build was made without its core, so it cannot run ceremonies. Do not use it in a ceremony; rebuild it from a complete source tree."),
  SERVICE_INCOMPLETE: entry("electron", ["CeremonyError"], "stop", "This build's core does not implement every operation. Do not use it in a ceremony; rebuild it from a complete source tree."),
  SERVICE_FAILED: entry("electron", ["CeremonyError"], "stop", "The core of the application could not start. Check the installation (docs/packaging.md)."),
  FORBIDDEN_SENDER: ipc("A request did not come from the Ceremony Workstation window and was refused."),
  UNKNOWN_CHANNEL: ipc("The screen asked for an operation the core does not have. Restart the application; if it happens again, report it."),
  REQUEST_TOO_LARGE: ipc("A request was larger than the core accepts and was refused. Report it."),
  INVALID_REQUEST: ipc("The screen sent a request the core does not accept. This is a fault in the app's screens; restart the application and report it."),
  INVALID_RESPONSE: ipc("The core answered outside its contract. The details are in the application log; report it."),
  INTERNAL: ipc("An internal error stopped this operation. The details are in the application log; report it."),
  NO_BRIDGE: entry("renderer", ["ApiCallError"], "stop", "The screen runs without its connection to the core. Restart the application."),
  BRIDGE_FAILED: entry("renderer", ["ApiCallError"], "retry", "The request did not reach the ceremony core. Try again; if it keeps failing, restart the application."),
  UNEXPECTED: entry("renderer", ["ApiCallError"], "stop", "The screen met an error it does not expect. Restart the application and report it."),
} as const;
