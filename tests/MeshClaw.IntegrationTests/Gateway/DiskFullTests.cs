using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;

namespace MeshClaw.IntegrationTests.Gateway;

/// <summary>
/// A home on a small tmpfs that fills up while the gateway runs: a run asked for then is either recorded or refused with
/// a problem body naming the full disk (never a 500 or a stack trace), /health reports the store as failing, and doctor
/// says so. Needs root for the mount.
/// </summary>
public sealed class DiskFullTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private bool _mounted;
    private MeshClaw.Testing.ScriptedModelServer _models = null!;

    public async Task InitializeAsync()
    {
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", _home.Root);
        _mounted = true;
        Directory.CreateDirectory(_home.AgentsFolder);
        _models = await MeshClaw.Testing.ScriptedModelServer.StartAsync();
        _models.For("writer-model").ReplyAlways(MeshClaw.Testing.ScriptedReply.Text("hello back"));
        _home.OpenAIModel("writer", _models.OpenAIBaseUrl, "writer-model").Agent("writer", "model: writer\ntools: []");
    }

    public async Task DisposeAsync()
    {
        if (_mounted)
        {
            await RunAsync("umount", _home.Root);
        }

        await _models.DisposeAsync();

        _home.Dispose();
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed (root is needed): {error}");
    }

    /// <summary>
    /// The scheduler starts once the gateway answers and stores its triggers (the dreamer's nightly one): the disk is
    /// filled after that, since these tests are about a disk that fills while the gateway runs. (A disk already full at
    /// that moment makes Quartz log its own stack trace: a known gap.)
    /// </summary>
    private async Task SchedulerSyncedAsync() => await Eventually.GetAsync(async () =>
    {
        var file = Path.Combine(_home.Root, "scheduler.db");
        if (!File.Exists(file))
        {
            return null;
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM QRTZ_TRIGGERS WHERE TRIGGER_GROUP = 'system:daily'";
        try
        {
            return (long)(await command.ExecuteScalarAsync())! > 0 ? "synced" : null;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return null;
        }
    }, TimeSpan.FromSeconds(30), "the scheduler to store its triggers");

    [Fact]
    public async Task AFullDisk_IsNamed_ByTheApiHealthAndDoctor_WithoutAStackTrace()
    {
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var client = gateway.AuthorizedClient();
        await SchedulerSyncedAsync();
        // Fill the disk: a file grows until the file system refuses.
        await using (var filler = new FileStream(Path.Combine(_home.Root, "filler"), FileMode.Create))
        {
            var block = new byte[1024 * 1024];
            try
            {
                while (true)
                {
                    await filler.WriteAsync(block);
                    await filler.FlushAsync();
                }
            }
            catch (IOException)
            {
                // Full.
            }
        }

        using var body = new StringContent("""{"agent":"writer","message":"hello"}""", Encoding.UTF8, "application/json");
        using var run = await client.PostAsync(new Uri("api/runs", UriKind.Relative), body);
        var answer = await run.Content.ReadAsStringAsync();
        HealthView? health;
        try
        {
            health = await client.GetFromJsonAsync<HealthView>(new Uri("health", UriKind.Relative), ApiJson.Options);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"{ex.Message} after the run answered {(int)run.StatusCode}; the gateway printed:\n{gateway.Output}", ex);
        }

        var doctor = await gateway.CliAsync("doctor");
        output.WriteLine($"figures: a run on a full disk answered {(int)run.StatusCode}: {answer[..Math.Min(200, answer.Length)]}");

        Assert.True(run.IsSuccessStatusCode || ((int)run.StatusCode == 507 && answer.Contains("is full", StringComparison.Ordinal)), $"{(int)run.StatusCode}: {answer}");
        Assert.Equal("failing", health!.Status);
        Assert.Contains("No space left on device", health.Store, StringComparison.Ordinal);
        Assert.Contains("cannot be written (No space left on device)", doctor.Stdout + doctor.Stderr, StringComparison.Ordinal);
        Assert.False(gateway.Output.Contains("   at ", StringComparison.Ordinal), $"a stack trace in the gateway's output:\n{gateway.Output}");
        File.Delete(Path.Combine(_home.Root, "filler"));
    }

    [Fact]
    public async Task ARunRefusedForAFullDisk_IsAudited_OnceSpaceReturns()
    {
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        using var client = gateway.AuthorizedClient();
        await SchedulerSyncedAsync();
        var filler = Path.Combine(_home.Root, "filler");
        await using (var stream = new FileStream(filler, FileMode.Create))
        {
            var block = new byte[1024 * 1024];
            try
            {
                while (true)
                {
                    await stream.WriteAsync(block);
                    await stream.FlushAsync();
                }
            }
            catch (IOException)
            {
                // Full.
            }
        }

        using var body = new StringContent("""{"agent":"writer","message":"hello"}""", Encoding.UTF8, "application/json");
        using var run = await client.PostAsync(new Uri("api/runs", UriKind.Relative), body);
        Assert.True((int)run.StatusCode == 507, $"the full disk was expected to refuse the run, which answered {(int)run.StatusCode}: {await run.Content.ReadAsStringAsync()}");
        File.Delete(filler);

        // The audit log is on the same disk: the refusal waited in memory and is written once there is room.
        AuditRecordView refused;
        try
        {
            refused = await Eventually.GetAsync(async () =>
                (await client.GetFromJsonAsync<AuditRecordView[]>(new Uri("api/audit?limit=200", UriKind.Relative), ApiJson.Options))!
                    .FirstOrDefault(r => r.Kind == "request.refused"),
                TimeSpan.FromSeconds(30), "the refused run to appear in the audit log as request.refused");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            throw new InvalidOperationException($"{ex.Message}; the gateway printed:\n{gateway.Output}", ex);
        }

        var refusal = refused.Data;
        output.WriteLine($"figures: the refusal as audited: {refusal}");
        Assert.Contains("\"agent\":\"writer\"", refusal, StringComparison.Ordinal);
        Assert.Contains("/api/runs", refusal, StringComparison.Ordinal);
        Assert.Contains("disk full", refusal, StringComparison.Ordinal);
    }
}
