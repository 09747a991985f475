#load "../../../../lib/ground/Errors.cs"
#load "../../../../lib/run/UserErrors.cs"
// A lib user error escaping the script: the lib's own handler (the runner knows nothing of Ch13Exception) prints
// only its message and exits with its code, as Runs.Start arranges for every section script.
UserErrors.ReportOnEscape();
throw new Ch13Exception("--epochs must be a positive integer", 2);
