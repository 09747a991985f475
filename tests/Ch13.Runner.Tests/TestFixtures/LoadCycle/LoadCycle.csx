#load "Other.csx"

WriteLine("unreachable");
