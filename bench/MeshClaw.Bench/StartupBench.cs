using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace MeshClaw.Bench;

/// <summary>Cold start of `meshclaw up` until /health answers, and resident memory once idle.</summary>
public static class StartupBench
{
    private const int Runs = 7;
    private static readonly string CliDll = typeof(StartupBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MeshClawCli").Value!;

    public static async Task RunAsync()
    {
        Console.WriteLine($"## Gateway start ({CliDll})");
        var fresh = new List<double>();
        var existing = new List<double>();
        var rss = new List<double>();
        var home = Path.Combine(Path.GetTempPath(), "meshclaw-bench-" + Guid.NewGuid().ToString("N")[..8]);
        for (var i = 0; i < Runs; i++)
        {
            // Fresh home: creates folders, the database and its schema, the token.
            var freshHome = home + "-fresh-" + i;
            var (ms, _) = await StartAndMeasureAsync(freshHome, measureMemory: false);
            fresh.Add(ms);
            Directory.Delete(freshHome, recursive: true);

            var (warmMs, memoryMb) = await StartAndMeasureAsync(home, measureMemory: true);
            if (i > 0)
            {
                existing.Add(warmMs);
                rss.Add(memoryMb);
            }
        }

        Directory.Delete(home, recursive: true);
        Console.WriteLine($"cold start, new home folder:      {Stats.Describe(fresh, "ms")}");
        Console.WriteLine($"cold start, existing home folder: {Stats.Describe(existing, "ms")}");
        Console.WriteLine($"idle resident memory (VmRSS, 2 s after /health): {Stats.Describe(rss, "MB")}");
    }

    private static async Task<(double Ms, double RssMb)> StartAndMeasureAsync(string home, bool measureMemory)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { CliDll, "up", "--home", home, "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: poll again at once; the poll itself is the measurement's resolution.
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("meshclaw up did not answer /health within 30 s");
            }

            await Task.Delay(5);
        }

        var ms = clock.Elapsed.TotalMilliseconds;
        var rss = 0.0;
        if (measureMemory)
        {
            // Idle means idle: let start-up work (JIT tiering, first GC) settle before reading the resident set.
            await Task.Delay(TimeSpan.FromSeconds(2));
            rss = ReadRssMb(process.Id);
        }

        process.Kill();
        await process.WaitForExitAsync();
        return (ms, rss);
    }

    private static double ReadRssMb(int pid)
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
