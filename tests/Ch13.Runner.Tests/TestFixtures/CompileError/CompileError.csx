var fine = 1;
WriteLine(undefinedName);
