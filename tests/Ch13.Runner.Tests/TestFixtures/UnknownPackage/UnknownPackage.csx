#r "nuget: Newtonsoft.Json, 13.0.3"

WriteLine("unreachable");
