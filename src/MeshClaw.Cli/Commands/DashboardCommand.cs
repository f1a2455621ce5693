using System.CommandLine;
using System.Diagnostics;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary>
/// <c>meshclaw dashboard</c>: a one-time sign-in link from the running gateway, opened in the browser when this
/// session has one, printed otherwise (or with --print), so nobody has to copy the access token into a form.
/// </summary>
public static class DashboardCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var print = new Option<bool>("--print") { Description = "Print the link instead of opening a browser" };
        var command = new Command("dashboard",
            "Open the dashboard signed in: asks the gateway for a one-time link (it works once, within 2 minutes) and opens it in your browser "
            + "when one is available (xdg-open with a display), else prints it")
        { print };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var link = await client.PostAsync<SignInLinkView>("api/dashboard/sign-in-link", new { }, ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(link);
                return 0;
            }

            if (!parse.GetValue(print) && Browser.Opener() is { } opener && await Browser.OpenAsync(opener, link.Url, ct))
            {
                Terminal.Note($"opened the dashboard in your browser ({client.BaseUrl}); the link works once, within 2 minutes");
                return 0;
            }

            Terminal.Line(link.Url);
            Terminal.Note("open this link to sign in to the dashboard; it works once, within 2 minutes (meshclaw dashboard makes another)");
            return 0;
        }));
        return command;
    }

    /// <summary>The desktop's opener, only where a browser can appear: xdg-open with an X or Wayland display, or macOS's open.</summary>
    private static class Browser
    {
        public static string? Opener()
        {
            if (OperatingSystem.IsMacOS())
            {
                return "open";
            }

            var display = Environment.GetEnvironmentVariable("DISPLAY") is { Length: > 0 } || Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is { Length: > 0 };
            return display && OnPath("xdg-open") is { } path ? path : null;
        }

        public static async Task<bool> OpenAsync(string opener, string url, CancellationToken ct)
        {
            var info = new ProcessStartInfo(opener) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(url);
            try
            {
                using var process = Process.Start(info);
                if (process is null)
                {
                    return false;
                }

                using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                limit.CancelAfter(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(limit.Token);
                return process.ExitCode == 0;
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or OperationCanceledException)
            {
                // No opener after all, or it hung: the printed link still works.
                return false;
            }
        }

        private static string? OnPath(string name) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
    }
}
