using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using MeshClaw.Host.Access;
using MeshClaw.Host.Gateway;
using MeshClaw.Storage.Secrets;

namespace MeshClaw.IntegrationTests.Infrastructure;

/// <summary>A real `meshclaw up` child process on a free loopback port, with the means to stop it gently or kill it.</summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];

    private GatewayProcess(Process process, string home, int port)
    {
        _process = process;
        Home = home;
        Port = port;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    public string Home { get; }
    public int Port { get; }
    public Uri BaseUrl { get; }
    public int Pid => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<GatewayProcess> StartAsync(string home, TimeSpan? timeout = null)
    {
        var port = FreePort();
        var process = Process.Start(MeshClawCli.StartInfo(home, ["up", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        var gateway = new GatewayProcess(process, home, port);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gateway.WaitHealthyAsync(timeout ?? TimeSpan.FromSeconds(30));
        // /health answers as soon as Kestrel listens; the start-up steps after it (audit, home fingerprints, parked runs)
        // end with the report's first line. A test that edits the home or reads the report starts after both.
        await gateway.WaitForOutputAsync(" listening on ", timeout ?? TimeSpan.FromSeconds(30));
        return gateway;
    }

    /// <summary>An HTTP client carrying the access token from the home folder's secrets store.</summary>
    public HttpClient AuthorizedClient()
    {
        var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new FileSecretStore(Home).Get(AccessToken.SecretName));
        return client;
    }

    public Task<CliResult> CliAsync(params string[] args) => MeshClawCli.RunAsync(Home, [.. args, "--url", BaseUrl.ToString()]);

    public Task<CliResult> CliWithInputAsync(string stdin, params string[] args) => MeshClawCli.RunAsync(Home, [.. args, "--url", BaseUrl.ToString()], stdin);

    /// <summary>SIGTERM, as systemd or Ctrl-C would; waits for a clean exit.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        _ = Kill(_process.Id, 15);
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    /// <summary>kill -9: no chance to clean up, as in a crash or power loss.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        // No per-request timeout: a gateway that accepted the connection but answers slowly (a loaded machine JITting
        // its first request) is waited for within the overall deadline, not given up on after an arbitrary 2 s.
        using var client = new HttpClient { BaseAddress = BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"meshclaw up exited with {_process.ExitCode} before answering /health:\n{Output}");
            }

            try
            {
                using var remaining = new CancellationTokenSource(TimeSpan.FromTicks(Math.Max(1, (timeout - deadline.Elapsed).Ticks)));
                using var response = await client.GetAsync(new Uri("health", UriKind.Relative), remaining.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.Elapsed >= timeout)
            {
                break;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"meshclaw up did not answer /health on port {Port} within {timeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>
    /// Waits until the gateway has printed <paramref name="text"/>: its start-up report is written after /health already
    /// answers, so a test reading it right after start must wait for it, not assume it.
    /// </summary>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                return _output.ToString();
            }

            _awaited.Add((text, seen));
        }

        try
        {
            await seen.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the gateway did not print \"{text}\" within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds} s; it printed:\n{Output}");
        }

        return Output;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            var text = _output.ToString();
            foreach (var waiter in _awaited.Where(w => text.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                _awaited.Remove(waiter);
                waiter.Seen.TrySetResult();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync(TimeSpan.FromSeconds(15));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
