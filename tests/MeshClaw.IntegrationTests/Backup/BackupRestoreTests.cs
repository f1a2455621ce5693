using System.IO.Compression;
using System.Net.Http.Json;
using System.Security.Cryptography;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Access;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Storage.Secrets;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Backup;

/// <summary><c>meshclaw backup</c> and <c>restore</c> against real gateways: round trip, refusals, and a copy taken while runs are written.</summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "meshclaw-backups-" + Guid.NewGuid().ToString("N")[..8]);
    private ScriptedModelServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _server = await ScriptedModelServer.StartAsync();
        _home.OpenAIModel("main", _server.OpenAIBaseUrl, "scripted-main").Agent("helper", "tools: [time.read]");
        File.WriteAllText(Path.Combine(_home.Workspace("helper"), "notes.txt"), "the agent's own file");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _home.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string Archive(string name) => Path.Combine(_folder, name);

    [Fact]
    public async Task BackupOfAHome_RestoredIntoAFreshHome_TheGatewayThereShowsTheSameRunsConfigAndAgents()
    {
        _server.For("scripted-main").Reply(ScriptedReply.Text("first answer")).Reply(ScriptedReply.Text("second answer"));
        List<RunView> before;
        await using (var gateway = await GatewayProcess.StartAsync(_home.Root))
        {
            await gateway.CliAsync("run", "helper", "-m", "one");
            await gateway.CliAsync("run", "helper", "-m", "two");
            before = RunJson.Parse<List<RunView>>(await gateway.CliAsync("runs", "list", "--json"));
        }

        var backup = await MeshClawCli.RunAsync(_home.Root, ["backup", "--out", Archive("home.zip")]);
        using var fresh = new TestHome();
        Directory.Delete(fresh.Root, recursive: true);
        var restore = await MeshClawCli.RunAsync(fresh.Root, ["restore", Archive("home.zip")]);
        await using var restored = await GatewayProcess.StartAsync(fresh.Root);
        var after = RunJson.Parse<List<RunView>>(await restored.CliAsync("runs", "list", "--json"));
        var audit = await restored.CliAsync("audit", "list", "--json");

        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.DoesNotContain("what the home held before", restore.Stdout, StringComparison.Ordinal);
        // Without the old home's audit key the restored records cannot be checked here, and restore says so.
        Assert.Contains("cannot be verified with this home's audit key", restore.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, before.Count);
        Assert.Equal(before.Select(r => (r.Id, r.Status, r.Answer)), after.Select(r => (r.Id, r.Status, r.Answer)));
        Assert.Equal(File.ReadAllText(Path.Combine(_home.Root, "config.json")), File.ReadAllText(Path.Combine(fresh.Root, "config.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(_home.AgentsFolder, "helper.md")), File.ReadAllText(Path.Combine(fresh.AgentsFolder, "helper.md")));
        Assert.Equal("the agent's own file", File.ReadAllText(Path.Combine(fresh.Root, "workspaces", "helper", "notes.txt")));
        // Without --with-secrets nothing secret travels: the restored home makes its own access token.
        Assert.NotEqual(new FileSecretStore(_home.Root).Get(AccessToken.SecretName), new FileSecretStore(fresh.Root).Get(AccessToken.SecretName));
        Assert.Contains("Access token (shown once", restored.Output, StringComparison.Ordinal);
        Assert.Contains("home.restored", audit.Stdout, StringComparison.Ordinal);
        Assert.Contains("home.backed-up", (await MeshClawCli.RunAsync(_home.Root, ["audit", "list", "--json"])).Stdout, StringComparison.Ordinal);
        Assert.Equal("600", UnixMode(Archive("home.zip")));
    }

    [Fact]
    public async Task Restore_WhileAGatewayRunsOnTheHome_IsRefused_AndTheHomeIsUntouched()
    {
        _server.For("scripted-main").ReplyAlways(ScriptedReply.Text("still here"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        await gateway.CliAsync("run", "helper", "-m", "one");
        var backup = await MeshClawCli.RunAsync(_home.Root, ["backup", "--out", Archive("running.zip")]);
        var files = Snapshot(_home.Root, live: true);

        var restore = await MeshClawCli.RunAsync(_home.Root, ["restore", Archive("running.zip"), "--force"]);

        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.Equal(4, restore.ExitCode);
        Assert.Contains($"a MeshClaw gateway is running on {_home.Root} (pid {gateway.Pid}", restore.Stderr, StringComparison.Ordinal);
        Assert.Equal(files, Snapshot(_home.Root, live: true));
        Assert.Single(RunJson.Parse<List<RunView>>(await gateway.CliAsync("runs", "list", "--json")));
    }

    [Fact]
    public async Task DamagedOrAlteredArchive_IsRefusedBeforeAnythingChanges()
    {
        _server.For("scripted-main").ReplyAlways(ScriptedReply.Text("kept"));
        await using (var gateway = await GatewayProcess.StartAsync(_home.Root))
        {
            await gateway.CliAsync("run", "helper", "-m", "one");
        }

        Assert.Equal(0, (await MeshClawCli.RunAsync(_home.Root, ["backup", "--out", Archive("good.zip")])).ExitCode);
        File.Copy(Archive("good.zip"), Archive("altered.zip"));
        using (var zip = ZipFile.Open(Archive("altered.zip"), ZipArchiveMode.Update))
        {
            zip.GetEntry("home/config.json")!.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("home/config.json").Open());
            writer.Write("""{ "models": {} }""");
        }

        var bytes = File.ReadAllBytes(Archive("good.zip"));
        File.WriteAllBytes(Archive("cut.zip"), bytes[..(bytes.Length / 2)]);
        var files = Snapshot(_home.Root);

        var altered = await MeshClawCli.RunAsync(_home.Root, ["restore", Archive("altered.zip"), "--force"]);
        var cut = await MeshClawCli.RunAsync(_home.Root, ["restore", Archive("cut.zip"), "--force"]);

        Assert.Equal(1, altered.ExitCode);
        Assert.Contains("config.json in", altered.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not match its checksum in the manifest", altered.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, cut.ExitCode);
        Assert.Contains("is not a MeshClaw backup: it is not a readable zip archive", cut.Stderr, StringComparison.Ordinal);
        Assert.Equal(files, Snapshot(_home.Root));
    }

    [Fact]
    public async Task BackupWhileTheGatewayWritesRuns_HoldsAConsistentDatabase_WhoseAuditChainVerifies()
    {
        _server.For("scripted-main").ReplyAlways(ScriptedReply.Text("busy"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var client = gateway.AuthorizedClient();
        using var stop = new CancellationTokenSource();
        var finishedBeforeBackup = 0;
        var firstRun = new TaskCompletionSource();
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("helper", "write something"), ApiJson.Options);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref finishedBeforeBackup);
                firstRun.TrySetResult();
            }
        });
        await firstRun.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var startedWith = Volatile.Read(ref finishedBeforeBackup);
        var backup = await MeshClawCli.RunAsync(_home.Root, ["backup", "--out", Archive("live.zip"), "--with-secrets"]);
        var writtenDuring = Volatile.Read(ref finishedBeforeBackup) - startedWith;
        await stop.CancelAsync();
        await writer;
        using var copy = new TestHome();
        Directory.Delete(copy.Root, recursive: true);
        var restore = await MeshClawCli.RunAsync(copy.Root, ["restore", Archive("live.zip")]);
        var verify = await MeshClawCli.RunAsync(copy.Root, ["audit", "verify"]);
        await using var restored = await GatewayProcess.StartAsync(copy.Root);
        var runs = RunJson.Parse<List<RunView>>(await restored.CliAsync("runs", "list", "--json"));

        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.True(writtenDuring > 0, "no run was written while the backup ran, so this test proved nothing");
        // The audit head is written in the same transaction as each record: a torn copy breaks the chain or the head.
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True(runs.Count >= startedWith, $"{runs.Count} runs restored, {startedWith} had finished before the backup began");
        Assert.All(runs, r => Assert.True(r.Status == RunStatus.Interrupted || r.Answer == "busy", $"run {r.Id} is {r.Status} with answer '{r.Answer}'"));
        // With --with-secrets the key came along: the same access token opens the restored home.
        Assert.Equal(new FileSecretStore(_home.Root).Get(AccessToken.SecretName), new FileSecretStore(copy.Root).Get(AccessToken.SecretName));
    }

    /// <summary>
    /// Every file of the home with its SHA-256, and the folders, to show nothing changed; beside a live gateway the
    /// database files are named without their content, and their side files (-wal, -journal, which come and go) not at
    /// all: the gateway itself (its scheduler, say) may write them at any time.
    /// </summary>
    private static List<string> Snapshot(string root, bool live = false) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith("-shm", StringComparison.Ordinal) && !(live && (p.EndsWith("-wal", StringComparison.Ordinal) || p.EndsWith("-journal", StringComparison.Ordinal))))
            .Select(p => Path.GetRelativePath(root, p) + (live && (p.EndsWith(".db", StringComparison.Ordinal) || p.EndsWith(".lock", StringComparison.Ordinal)) ? "" : File.Exists(p) ? " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))) : "/"))
            .Order(StringComparer.Ordinal)];

    private static string UnixMode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);
}
