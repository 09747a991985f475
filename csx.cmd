@echo off
rem Runs a ch13 script with the bundled runner: csx scripts\xor.csx [--] [args...]
rem Builds runner\ (Release, quietly; published ReadyToRun into its build folder) when its sources or the props files differ from the last build,
rem then runs `dotnet ch13-csx.dll`. The check lists file times and sizes and compares them with the last list.
setlocal EnableExtensions
set "ROOT=%~dp0"
set "OUT=%ROOT%runner\bin\Release\net10.0"
set "DLL=%OUT%\ch13-csx.dll"
set "STAMP=%OUT%\.csx-build-stamp"
set "NOW=%TEMP%\ch13-csx-stamp-%RANDOM%%RANDOM%.txt"

(
  for /r "%ROOT%runner" %%f in (*.cs *.csproj *.props *.targets) do @echo %%~tzf %%f
  for %%f in ("%ROOT%Directory.Build.props" "%ROOT%Directory.Packages.props") do @echo %%~tzf %%~ff
) > "%NOW%.all"
rem `find` matches plain text (findstr would read the backslashes as escapes).
find /v /i "\runner\bin\" < "%NOW%.all" | find /v /i "\runner\obj\" > "%NOW%"
del "%NOW%.all" >nul 2>&1

set "BUILD="
if not exist "%DLL%" set "BUILD=1"
if not exist "%STAMP%" set "BUILD=1"
if not defined BUILD fc /b "%STAMP%" "%NOW%" >nul 2>&1 || set "BUILD=1"

if defined BUILD (
  set "LOG=%TEMP%\ch13-csx-build-%RANDOM%%RANDOM%.log"
  set DOTNET_NOLOGO=1
  set DOTNET_CLI_TELEMETRY_OPTOUT=1
  call :build || exit /b 1
)
del "%NOW%" >nul 2>&1
endlocal & dotnet "%~dp0runner\bin\Release\net10.0\ch13-csx.dll" %*
exit /b %ERRORLEVEL%

:build
dotnet publish "%ROOT%runner\Ch13.Runner.csproj" -c Release -o "%OUT%" --nologo -v q > "%LOG%" 2>&1
if errorlevel 1 (
  echo csx: building the runner failed: 1>&2
  type "%LOG%" 1>&2
  del "%LOG%" "%NOW%" >nul 2>&1
  exit /b 1
)
del "%LOG%" >nul 2>&1
move /y "%NOW%" "%STAMP%" >nul
exit /b 0
