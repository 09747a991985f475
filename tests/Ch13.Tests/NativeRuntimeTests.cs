namespace Ch13.Tests;

public sealed class NativeRuntimeTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ch13-native-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Library(string versions)
    {
        var path = Path.Combine(dir, Guid.NewGuid() + ".so");
        File.WriteAllBytes(path, [0x7f, (byte)'E', (byte)'L', (byte)'F', .. System.Text.Encoding.ASCII.GetBytes(versions)]);
        return path;
    }

    [Fact]
    public void A_library_that_defines_the_version_provides_it()
    {
        NativeRuntime.Provides(Library("GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0CXXABI_1.3.15\0"), "GLIBCXX_3.4.32").Should().BeTrue();
    }

    [Theory]
    [InlineData("GLIBCXX_3.4.30\0GLIBCXX_3.4.31\0")]
    [InlineData("GLIBCXX_3.4.321\0")]
    [InlineData("GLIBCXX_3.4.3\0")]
    public void A_library_without_the_exact_version_name_does_not(string versions)
    {
        NativeRuntime.Provides(Library(versions), "GLIBCXX_3.4.32").Should().BeFalse();
    }

    [Fact]
    public void The_check_throws_the_fix_in_three_lines_for_an_old_library()
    {
        var old = Library("GLIBCXX_3.4.30\0");

        var error = FluentActions.Invoking(() => NativeRuntime.Check(old)).Should().Throw<Ch13Exception>().Which;

        error.ExitCode.Should().Be(1);
        error.Message.Split('\n').Should().HaveCount(3);
        error.Message.Should().Contain(old).And.Contain("sudo tools/install-libstdcxx.sh");
        FluentActions.Invoking(() => NativeRuntime.Check(Library("GLIBCXX_3.4.32\0"))).Should().NotThrow();
    }

    [Fact]
    public void On_linux_the_process_s_own_libstdcxx_is_found_and_provides_what_torch_sharp_needs_here()
    {
        if (!OperatingSystem.IsLinux()) return;
        var library = NativeRuntime.LoadedLibstdcxx();
        library.Should().NotBeNull("the .NET runtime links libstdc++");
        // This test process has loaded TorchSharp (other tests use torch), so the library it uses must be new enough.
        NativeRuntime.Provides(library!, NativeRuntime.NeededVersion).Should().BeTrue();
    }
}
