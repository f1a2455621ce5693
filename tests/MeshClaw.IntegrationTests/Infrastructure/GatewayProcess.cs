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
        using var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"meshclaw up exited with {_process.ExitCode} before answering /health:\n{Output}");
            }

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
            catch (TaskCanceledException)
            {
                // Listening, but the first answer took over the 2 s of one try (JIT on a loaded machine): the overall
                // deadline decides, not one slow try (this made start-ups fail at a load average of 15 on two cores).
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"meshclaw up did not answer /health on port {Port} within {timeout.TotalSeconds} s:\n{Output}");
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
