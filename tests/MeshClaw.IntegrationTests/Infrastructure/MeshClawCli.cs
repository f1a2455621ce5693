using System.Diagnostics;
using System.Reflection;

namespace MeshClaw.IntegrationTests.Infrastructure;

/// <summary>Runs the built `meshclaw` CLI as a child process, as a user would.</summary>
public static class MeshClawCli
{
    public static string DllPath { get; } = typeof(MeshClawCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "MeshClawCli").Value!;

    public static ProcessStartInfo StartInfo(string home, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--home");
        info.ArgumentList.Add(home);
        info.Environment.Remove("MESHCLAW_HOME");
        info.Environment.Remove("MESHCLAW_TOKEN");
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    public static async Task<CliResult> RunAsync(string home, string[] args, string? stdin = null, TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = StartInfo(home, args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`meshclaw {string.Join(' ', args)}` did not finish within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds} s; stdout so far: {await stdout}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
