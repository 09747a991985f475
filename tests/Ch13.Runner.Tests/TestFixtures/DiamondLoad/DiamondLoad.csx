// Both this file and Middle.csx load Shared.cs: it is compiled once, as with dotnet-script.
#load "Shared.cs"
#load "Middle.csx"

WriteLine(Shared.Name + " " + Middle.Name);
