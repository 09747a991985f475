#load "LoadCycle.csx"
