#load "lib/Broken.cs"

WriteLine(Broken.Value);
