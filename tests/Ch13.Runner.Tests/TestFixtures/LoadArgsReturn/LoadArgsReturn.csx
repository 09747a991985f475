#load "Greeting.cs"

WriteLine(Greeting.Echo(Args));
return 3;
