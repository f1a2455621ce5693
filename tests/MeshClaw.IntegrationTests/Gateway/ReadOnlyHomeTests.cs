using System.Diagnostics;
using MeshClaw.IntegrationTests.Infrastructure;

namespace MeshClaw.IntegrationTests.Gateway;

/// <summary>
/// A home on a read-only file system (a read-only bind mount of a real home): <c>up</c> and <c>audit verify</c> each say so
/// in one line and exit non-zero, without a stack trace. Needs root for the mount, as the sandbox tests do.
/// </summary>
public sealed class ReadOnlyHomeTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private bool _mounted;

    public async Task InitializeAsync()
    {
        await using (var gateway = await GatewayProcess.StartAsync(_home.Root))
        {
            Assert.Equal(0, await gateway.StopAsync());
        }

        await MountAsync("--bind", _home.Root, _home.Root);
        _mounted = true;
        await MountAsync("-o", "remount,ro,bind", _home.Root);
    }

    public async Task DisposeAsync()
    {
        if (_mounted)
        {
            await MountAsync("-u", _home.Root);
        }

        _home.Dispose();
    }

    private static async Task MountAsync(params string[] args)
    {
        var info = new ProcessStartInfo(args[0] == "-u" ? "umount" : "mount") { RedirectStandardError = true };
        foreach (var arg in args[0] == "-u" ? args[1..] : args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{info.FileName} {string.Join(' ', info.ArgumentList)} failed (root is needed): {error}");
    }

    [Theory]
    [InlineData("up", "--port", "0")]
    [InlineData("audit", "verify")]
    public async Task AReadOnlyHome_IsOneClearLine(params string[] args)
    {
        var result = await MeshClawCli.RunAsync(_home.Root, args, timeout: TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, result.ExitCode);
        var said = (result.Stdout + result.Stderr).Trim();
        Assert.Equal($"error: the home folder {_home.Root} cannot be written (Read-only file system); MeshClaw keeps its database, journal and audit log there: make it writable, or use another with --home", said);
    }
}
