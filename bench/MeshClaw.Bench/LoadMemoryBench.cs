using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using MeshClaw.Host.Access;
using MeshClaw.Storage.Secrets;
using MeshClaw.Testing;

namespace MeshClaw.Bench;

/// <summary>
/// Memory after load, on a real `meshclaw up` child: idle resident memory, then bursts of 100 and 500 concurrent API
/// runs against the scripted model server (latency p50/p99 per burst size), then the resident set sampled for 60 s. The
/// gateway is expected to come back near its idle level within the minute.
/// </summary>
public static class LoadMemoryBench
{
    private static readonly string CliDll = typeof(LoadMemoryBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MeshClawCli").Value!;

    public static async Task RunAsync(int settleSeconds = 60)
    {
        Console.WriteLine($"## Memory after load ({CliDll}; GC settings from the environment: {GcEnvironment()})");
        await using var models = await ScriptedModelServer.StartAsync();
        models.For("bench-model").ReplyAlways(ScriptedReply.Text("done"));
        var home = Directory.CreateTempSubdirectory("meshclaw-bench-load").FullName;
        var config = new JsonObject
        {
            ["models"] = new JsonObject
            {
                ["main"] = new JsonObject { ["kind"] = "openai-compatible", ["baseUrl"] = models.OpenAIBaseUrl.ToString(), ["model"] = "bench-model", ["timeoutSeconds"] = 120, ["maxRetries"] = 0 },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(home, "config.json"), config.ToJsonString());
        Directory.CreateDirectory(Path.Combine(home, "agents"));
        await File.WriteAllTextAsync(Path.Combine(home, "agents", "worker.md"), "---\nname: worker\ndescription: load bench agent\nmodel: main\ntools: []\n---\nAnswer briefly.\n");

        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { CliDll, "up", "--home", home, "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1_000, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) };
            using var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
            await WaitForHealthAsync(client);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new FileSecretStore(home).Get(AccessToken.SecretName));

            // Warm-up: JIT, the first connections, the catalog; then idle is measured the way StartupBench does.
            for (var i = 0; i < 20; i++)
            {
                await RunOnceAsync(client);
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            var idle = RssMb(process.Id);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle resident memory after warm-up: {idle:0.0} MB ({Breakdown(process.Id)})"));

            var peak = idle;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, RssMb(process.Id));
                    await Task.Delay(100);
                }
            });

            foreach (var clients in new[] { 100, 500 })
            {
                var latencies = new List<double>();
                for (var round = 0; round < 3; round++)
                {
                    latencies.AddRange(await BurstAsync(client, clients));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{clients} concurrent clients (3 bursts, {latencies.Count} runs): p50 {Stats.Percentile(latencies, 50):0} ms, p99 {Stats.Percentile(latencies, 99):0} ms, max {latencies.Max():0} ms; resident now {RssMb(process.Id):0.0} MB"));
            }

            await sampling.CancelAsync();
            await sampler;
            var after = new List<(int Second, double Mb)>();
            for (var second = 0; second <= settleSeconds; second++)
            {
                if (second is 0 or 5 or 10 or 20 or 30 or 45 || second == settleSeconds)
                {
                    after.Add((second, RssMb(process.Id)));
                }

                if (second < settleSeconds)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }

            // The resident set can still rise just after the last burst (its runs' last writes): that counts as the peak too.
            peak = Math.Max(peak, after.Max(a => a.Mb));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak resident memory under load and just after: {peak:0.0} MB"));
            Console.WriteLine("resident memory after the last burst: " + string.Join(", ", after.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Second} s {a.Mb:0.0} MB"))));
            Console.WriteLine($"  at {settleSeconds} s: {Breakdown(process.Id)}");
            var last = after[^1].Mb;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"after {settleSeconds} s: {last:0.0} MB, {last - idle:+0.0;-0.0} MB over idle ({(peak - idle <= 0 ? 0 : (last - idle) / (peak - idle) * 100):0}% of the rise kept)"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<List<double>> BurstAsync(HttpClient client, int clients)
    {
        using var start = new ManualResetEventSlim();
        var ready = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            await ready.Task;
            var clock = Stopwatch.StartNew();
            await RunOnceAsync(client);
            return clock.Elapsed.TotalMilliseconds;
        })).ToArray();
        ready.SetResult();
        return [.. await Task.WhenAll(tasks)];
    }

    private static async Task RunOnceAsync(HttpClient client)
    {
        using var body = new StringContent("""{"agent":"worker","message":"hello"}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("api/runs", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !text.Contains("\"status\":\"Succeeded\"", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"a bench run did not succeed: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
        }
    }

    private static async Task WaitForHealthAsync(HttpClient client)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("meshclaw up did not answer /health within 60 s");
            }

            await Task.Delay(50);
        }
    }

    private static string GcEnvironment()
    {
        var set = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_gc", StringComparison.Ordinal)).Order().ToList();
        return set.Count == 0 ? "none" : string.Join(", ", set.Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}"));
    }

    /// <summary>The resident set split as the kernel counts it: anonymous (heaps, the GC's, stacks) and file-backed (mapped code), with threads and open files.</summary>
    private static string Breakdown(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        double Kb(string key) => double.Parse(status.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        var threads = status.First(l => l.StartsWith("Threads:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1].Trim();
        var files = Directory.GetFiles($"/proc/{pid}/fd").Length;
        return string.Create(CultureInfo.InvariantCulture, $"anonymous {Kb("RssAnon:") / 1024:0.0} MB, file-backed {Kb("RssFile:") / 1024:0.0} MB, {threads} threads, {files} open files");
    }

    private static double RssMb(int pid)
    {
        var line = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
