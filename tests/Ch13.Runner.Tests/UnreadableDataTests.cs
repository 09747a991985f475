using System.Diagnostics;
using System.Runtime.Versioning;
using FluentAssertions;
using Xunit;

namespace Ch13.Runner.Tests;

/// <summary>
/// A data file the user cannot read is one line naming it (exit 1), not a stack trace from the sha256 check. Root
/// reads any file, so the script runs as an unprivileged user: `unshare -U` maps this process to nobody, and the
/// kernel itself says no.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnreadableDataTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("ch13-unreadable-").FullName;

    public void Dispose()
    {
        foreach (var file in Directory.GetFiles(root, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.Delete(root, recursive: true);
    }

    [UnprivilegedFact]
    public void An_unreadable_data_file_is_one_line_naming_it()
    {
        var data = Path.Combine(root, "data", "auto-mpg", "auto-mpg.data");
        Directory.CreateDirectory(Path.GetDirectoryName(data)!);
        File.Copy(Path.Combine(Repo.SharedData, "auto-mpg", "auto-mpg.data"), data);
        File.SetUnixFileMode(data, UnixFileMode.None);
        var open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
                   | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        foreach (var folder in new[] { root, Path.Combine(root, "data"), Path.Combine(root, "data", "auto-mpg") }) File.SetUnixFileMode(folder, open);
        var writable = Path.Combine(root, "home");
        Directory.CreateDirectory(writable);
        File.SetUnixFileMode(writable, open);

        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-U", "dotnet", Repo.RunnerDll, Path.Combine(Repo.Root, "scripts", "auto_mpg.csx"), "--", "--quick", "--out", Path.Combine(writable, "out") })
            start.ArgumentList.Add(arg);
        start.Environment["CH13_DATA"] = Path.Combine(root, "data");
        start.Environment["CH13_CSX_CACHE"] = Path.Combine(writable, "cache");
        start.Environment["HOME"] = writable;
        start.Environment["DOTNET_CLI_HOME"] = writable;
        var result = RunnerProcess.Complete(start, TimeSpan.FromMinutes(3), "auto_mpg as nobody");

        result.ExitCode.Should().Be(1, result.Errors);
        result.Errors.TrimEnd('\n').Split('\n').Should().ContainSingle().Which.Should().Contain(data).And.Contain("permission denied");
        result.Errors.Should().NotContain("   at ");
    }

    /// <summary>Skipped, saying why, where this process cannot start another as an unprivileged user.</summary>
    public sealed class UnprivilegedFactAttribute : FactAttribute
    {
        public UnprivilegedFactAttribute()
        {
            if (!CanDropPrivileges(out var why)) Skip = why;
        }
    }

    static bool CanDropPrivileges(out string why)
    {
        why = "";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["-U", "id", "-u"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var uid = probe.StandardOutput.ReadToEnd().Trim();
            probe.WaitForExit();
            if (probe.ExitCode == 0 && uid != "0") return true;
            why = "`unshare -U` cannot run a process as an unprivileged user here";
        }
        catch (System.ComponentModel.Win32Exception) { why = "no `unshare` (util-linux) on PATH"; }
        return false;
    }
}
