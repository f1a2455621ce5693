using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Dapper;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Bench;

/// <summary>
/// Render time and size of the usage and runs pages of a real gateway whose database holds 1,000,000 usage rows
/// and 100,000 runs (median of repeated requests, signed in through the real sign-in form).
/// </summary>
public static class DashboardBench
{
    private static readonly string CliDll = typeof(DashboardBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MeshClawCli").Value!;

    public static async Task RunAsync(int usageRows, int runs)
    {
        Console.WriteLine($"## Dashboard pages with {usageRows:N0} usage rows and {runs:N0} runs");
        var home = Path.Combine(Path.GetTempPath(), "meshclaw-dashbench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(home);
        var database = new SqliteDatabase(Path.Combine(home, "meshclaw.db"));
        await database.InitializeAsync(CancellationToken.None);
        var fill = Stopwatch.StartNew();
        await FillAsync(database, usageRows, runs);
        Console.WriteLine($"filled in {fill.Elapsed.TotalSeconds:0.0} s");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { CliDll, "up", "--home", home, "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.BeginOutputReadLine();
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
        string? token = null;
        for (var i = 0; i < 600 && token is null; i++)
        {
            await Task.Delay(100);
            lock (output)
            {
                token = output.Select(l => l.Split("): ").Last()).FirstOrDefault(l => l.StartsWith("mc_", StringComparison.Ordinal));
            }
        }

        using (var login = await client.PostAsync(new Uri("login", UriKind.Relative), new FormUrlEncodedContent([new("token", token ?? "")])))
        {
            login.EnsureSuccessStatusCode();
        }

        foreach (var page in new[] { "usage", "runs", "waste", "" })
        {
            var times = new List<double>();
            long size = 0;
            for (var i = 0; i < 12; i++)
            {
                var clock = Stopwatch.StartNew();
                var html = await client.GetStringAsync(new Uri(page, UriKind.Relative));
                times.Add(clock.Elapsed.TotalMilliseconds);
                size = html.Length;
            }

            Console.WriteLine($"/{page}: {Stats.Describe([.. times.Skip(2)], "ms")}; page {size / 1024.0:0.0} KB");
        }

        process.Kill();
        await process.WaitForExitAsync();
        Directory.Delete(home, recursive: true);
    }

    private static async Task FillAsync(SqliteDatabase database, int usageRows, int runs)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var random = new Random(7);
        await using (var tx = await connection.BeginTransactionAsync())
        {
            for (var i = 0; i < runs; i++)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO runs (id, agent, trigger_kind, input, status, input_tokens, output_tokens, cost_nanos, model_calls, started_at, ended_at)
                    VALUES (@Id, @Agent, 'schedule', 'bench run', @Status, 900, 100, 1000000, 10, @At, @At)
                    """, new { Id = $"run_bench{i:D8}", Agent = $"agent-{i % 20}", Status = i % 10 == 0 ? "Failed" : "Succeeded", At = now - (long)random.Next(0, 60 * 86_400) * 1000 }, tx);
            }

            await tx.CommitAsync();
        }

        await using (var tx = await connection.BeginTransactionAsync())
        {
            for (var i = 0; i < usageRows; i++)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO usage (at, provider, model_name, model_id, input_tokens, output_tokens, cached_tokens, reasoning_tokens, estimated, cost_nanos, latency_ms, agent, run_id, trigger)
                    VALUES (@At, 'openai-compatible', 'main', @Model, 900, 100, 200, 0, 0, 100000, 250, @Agent, @Run, 'schedule')
                    """, new { At = now - (long)random.Next(0, 60 * 86_400) * 1000, Model = i % 3 == 0 ? "gpt-4o" : "llama3.1", Agent = $"agent-{i % 20}", Run = $"run_bench{i % runs:D8}" }, tx);
            }

            await tx.CommitAsync();
        }

        await new MeshClaw.Storage.Usage.SqliteUsageLedger(database).RebuildDailyAsync(CancellationToken.None);
        await connection.ExecuteAsync("ANALYZE;", commandType: System.Data.CommandType.Text);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
