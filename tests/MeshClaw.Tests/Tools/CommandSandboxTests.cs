using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MeshClaw.Connectors.Shell;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Home;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Tests.Tools;

/// <summary>
/// The shell sandbox with the real bubblewrap and real processes (scripts/test installs bubblewrap): the workspace is
/// the only writable place, the home is out of sight, there is no network unless asked for, and nothing outlives a
/// command. The workspace sits inside the home, as it does in MeshClaw.
/// </summary>
public sealed class CommandSandboxTests : IDisposable
{
    // Outside /tmp, which the sandbox replaces with a private one anyway: the home must be hidden on its own account.
    private readonly MeshClawHome _home = new(Path.Combine(AppContext.BaseDirectory, "sandbox-homes", Guid.NewGuid().ToString("N")));
    private readonly CommandSandbox _sandbox;

    public CommandSandboxTests()
    {
        _home.EnsureCreated();
        File.WriteAllText(Path.Combine(_home.Root, "secrets.json"), "{\"GITHUB_TOKEN\":\"ghp_sandboxtestvalue\"}");
        Directory.CreateDirectory(Workspace);
        _sandbox = new CommandSandbox(_home.Root);
    }

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);

    private string Workspace => _home.WorkspaceOf("tester");

    private ToolContext Context => new("tester", new RunId("run_t"), Workspace, TimeProvider.System);

    // Required by default: on a machine without bubblewrap these escape attempts must be refused, not run for real.
    private RunCommandTool Tool(SandboxMode mode = SandboxMode.Required, int timeoutSeconds = 20, CommandSandbox? sandbox = null) =>
        new(new ShellSettings { Sandbox = mode, Timeout = TimeSpan.FromSeconds(timeoutSeconds) }, sandbox ?? _sandbox);

    // Bounded: a process that escaped the group would hold the output pipes open and the call would never end.
    private Task<ToolResult> RunAsync(RunCommandTool tool, string command, bool network = false) =>
        tool.InvokeAsync(JsonSerializer.SerializeToElement(new { command, network }), Context, default).WaitAsync(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Bubblewrap_WorksHere()
    {
        var status = await _sandbox.StatusAsync(default);

        Assert.True(status.Works, $"the sandbox does not work on this machine: {status.Detail}");
    }

    [Fact]
    public async Task Command_WritesInTheWorkspace_AndNowhereElse()
    {
        var outside = Path.Combine(_home.Root, "pwned");
        var result = await RunAsync(Tool(), $"sh -c 'touch inside; touch {outside}; touch /etc/meshclaw-pwned; touch /var/tmp/meshclaw-pwned; echo done'");

        Assert.True(File.Exists(Path.Combine(Workspace, "inside")), result.Content);
        Assert.False(File.Exists(outside), $"the command wrote into the home: {result.Content}");
        Assert.False(File.Exists("/etc/meshclaw-pwned"), result.Content);
        Assert.False(File.Exists("/var/tmp/meshclaw-pwned"), result.Content);
        Assert.Contains("Read-only file system", result.Content, StringComparison.Ordinal);
        Assert.Contains("sandbox: bubblewrap, no network", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_CannotSeeTheHome_OnlyItsOwnWorkspaceInIt()
    {
        Directory.CreateDirectory(_home.WorkspaceOf("other"));
        File.WriteAllText(Path.Combine(_home.WorkspaceOf("other"), "diary.txt"), "private");

        var secrets = await RunAsync(Tool(), $"cat {_home.Root}/secrets.json ../../secrets.json");
        var listing = await RunAsync(Tool(), $"sh -c 'ls -A {_home.Root}; ls -A {_home.Workspaces}; cat {_home.WorkspaceOf("other")}/diary.txt'");

        Assert.True(secrets.IsError);
        Assert.DoesNotContain("ghp_sandboxtestvalue", secrets.Content, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", secrets.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("private", listing.Content, StringComparison.Ordinal);
        Assert.Contains("stdout:\nworkspaces\ntester\n", listing.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_HasNoNetwork_UnlessTheCallAsksForIt()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connect = $"bash -c 'echo hello > /dev/tcp/127.0.0.1/{port}'";

        var offline = await RunAsync(Tool(), connect);
        var reachedOffline = listener.Pending();
        var online = await RunAsync(Tool(), connect, network: true);
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(offline.IsError, offline.Content);
        Assert.False(reachedOffline, "a command without network reached a listener on the machine's loopback");
        Assert.False(online.IsError, online.Content);
        Assert.Contains("sandbox: bubblewrap, with network", online.Content, StringComparison.Ordinal);
        Assert.Equal("hello", await new StreamReader(accepted.GetStream()).ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Timeout_KillsTheWholeGroup_BackgroundChildrenIncluded()
    {
        using var held = HeldPipe();

        var result = await RunAsync(Tool(timeoutSeconds: 2), "sh -c 'exec 3> held; sleep 300 >&3 2>&3 & exec 3>&-; sleep 300'");

        Assert.Contains("time limit", result.Content, StringComparison.Ordinal);
        await held.ClosedAsync("the background sleep outlived the command killed at its time limit");
    }

    [Fact]
    public async Task BackgroundProcess_DoesNotOutliveTheCommand()
    {
        using var held = HeldPipe();

        var result = await RunAsync(Tool(), "sh -c 'exec 3> held; sleep 300 >&3 2>&3 & exec 3>&-'");

        Assert.False(result.IsError, result.Content);
        await held.ClosedAsync("a process the command left in the background is still running after the command ended");
    }

    [Fact]
    public async Task Command_OutlivesTheThreadThatStartedIt()
    {
        // bwrap's --die-with-parent follows the thread that started it: a thread-pool thread that ends must not kill it.
        await _sandbox.StatusAsync(default);
        var ready = Path.Combine(Workspace, "ready");
        using (var mkfifo = Process.Start("mkfifo", [ready]))
        {
            mkfifo.WaitForExit();
        }

        Task<ToolResult>? call = null;
        // The thread ends once the command is running (it has written to the FIFO), not before bwrap is set up.
        var thread = new Thread(() =>
        {
            call = RunAsync(Tool(), "sh -c 'echo up > ready; sleep 1; echo alive'");
            File.ReadAllText(ready);
        });
        thread.Start();
        thread.Join();

        var result = await call!;

        Assert.Contains("stdout:\nalive", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_IsOnlyTheCleanOne()
    {
        Environment.SetEnvironmentVariable("MESHCLAW_TEST_SECRET", "should-not-leak");

        var result = await RunAsync(Tool(), "env");

        Assert.DoesNotContain("should-not-leak", result.Content, StringComparison.Ordinal);
        Assert.Contains("HOME=/tmp\n", result.Content, StringComparison.Ordinal);
        Assert.Contains("GIT_CONFIG_NOSYSTEM=1", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_IsContainedOnlyInTheSandboxWithoutNetwork_AndNetworkIsNeverAllowListed()
    {
        var missing = new CommandSandbox(_home.Root, "/nonexistent/bwrap");

        var contained = await PlanAsync(Tool(), "ls");
        var online = await PlanAsync(Tool(), "ls", network: true);
        var off = await PlanAsync(Tool(SandboxMode.Off), "ls");
        var unavailable = await PlanAsync(Tool(SandboxMode.Auto, sandbox: missing), "ls");
        var required = await Assert.ThrowsAsync<InvalidOperationException>(() => PlanAsync(Tool(SandboxMode.Required, sandbox: missing), "ls"));

        Assert.True(contained is { Contained: true, AllowListed: true });
        Assert.True(online is { Contained: false, AllowListed: false }, "a call with network was contained or allow-listed");
        Assert.Contains("(with network)", online.Target, StringComparison.Ordinal);
        Assert.True(off is { Contained: false, AllowListed: true });
        Assert.True(unavailable is { Contained: false, AllowListed: true });
        Assert.Contains("\"required\"", required.Message, StringComparison.Ordinal);
        Assert.Contains("not installed", required.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutBubblewrap_CommandsRunAsBefore_AndSaySo()
    {
        var result = await RunAsync(Tool(SandboxMode.Auto, sandbox: new CommandSandbox(_home.Root, "/nonexistent/bwrap")), $"cat {_home.Root}/secrets.json");

        Assert.Contains("sandbox: none (it does not work here: /nonexistent/bwrap (bubblewrap) is not installed)", result.Content, StringComparison.Ordinal);
        Assert.Contains("ghp_sandboxtestvalue", result.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nonexistent/bwrap", SandboxMode.Auto, Severity.Medium, "every command in a run that has read untrusted content needs approval")]
    [InlineData("/nonexistent/bwrap", SandboxMode.Required, Severity.High, "every command is refused")]
    [InlineData("bwrap", SandboxMode.Off, Severity.Medium, "can read the MeshClaw home")]
    public async Task Doctor_SaysWhenCommandsRunOutsideTheSandbox_AndWhatThatMeans(string program, SandboxMode mode, Severity severity, string meaning)
    {
        var finding = Assert.Single(await DoctorAsync(program, mode));

        Assert.Equal(severity, finding.Severity);
        Assert.Contains(meaning, finding.Problem, StringComparison.Ordinal);
        Assert.Contains(mode == SandboxMode.Off ? "config.json" : "apt-get install bubblewrap", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_IsQuiet_WhenTheSandboxWorks()
    {
        Assert.Empty(await DoctorAsync("bwrap", SandboxMode.Auto));
    }

    private async Task<IReadOnlyList<Finding>> DoctorAsync(string program, SandboxMode mode)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new CommandSandbox(_home.Root, program));
        new ShellModule().Register(new MeshClawBuilder(services, _home));
        using var provider = services.BuildServiceProvider();
        var config = new ConfigSections(new Dictionary<Type, object> { [typeof(ShellSettings)] = new ShellSettings { Sandbox = mode } });
        var findings = new List<Finding>();
        foreach (var check in provider.GetServices<IDoctorCheck>())
        {
            findings.AddRange(await check.CheckAsync(_home, config, default));
        }

        return findings.Where(f => f.Check == "sandbox").ToList();
    }

    private Task<ToolCallPlan> PlanAsync(RunCommandTool tool, string command, bool network = false) =>
        tool.PrepareAsync(JsonSerializer.SerializeToElement(new { command, network }), Context, default);

    /// <summary>
    /// A FIFO named "held" in the workspace, read by the test: its read ends when every process holding it open for
    /// writing is gone, an exact barrier on "the command's background child died" without polling. The commands open
    /// it before they start the child (which inherits it) and close their own copy, so only the child holds it.
    /// </summary>
    private HeldFifo HeldPipe()
    {
        var path = Path.Combine(Workspace, "held");
        using (var mkfifo = Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
        }

        return new HeldFifo(path);
    }

    private sealed class HeldFifo(string path) : IDisposable
    {
        // Opening blocks until a writer opens it; the read returns at end of file, when the last writer is gone.
        private readonly Task<string> _read = Task.Run(() => File.ReadAllText(path));

        public async Task ClosedAsync(string failure)
        {
            try
            {
                await _read.WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                Assert.Fail(failure);
            }
        }

        public void Dispose()
        {
            if (!_read.IsCompleted)
            {
                // Unblocks a reader still waiting to open, so the test leaves no thread behind.
                using var writer = new FileStream(path, FileMode.Open, FileAccess.Write);
            }
        }
    }
}
