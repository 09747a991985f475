// The second line names a file that does not exist.
#load "DoesNotExist.cs"

WriteLine("unreachable");
