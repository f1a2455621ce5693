using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;

namespace MeshClaw.Connectors.Shell;

/// <summary>
/// Runs a command in the agent's workspace with a scrubbed environment (no secrets, no MeshClaw variables),
/// a time limit and an output cap, inside the OS sandbox (<see cref="CommandSandbox"/>) unless "shell.sandbox" is off
/// or the sandbox does not work here. Commands on the allow-list, with every path argument inside the workspace, may
/// run without approval; once the run is tainted only those that are contained (sandboxed, no network) still may.
/// A call that asks for the network always needs approval. Output is untrusted.
/// </summary>
public sealed class RunCommandTool(ShellSettings settings, CommandSandbox? sandbox = null) : IAgentTool
{
    public string Name => "run_command";
    public string Capability => "shell.exec";
    public ToolRisk Risk => ToolRisk.ExecutesCode;
    public string Description => "Runs a shell command in the agent's workspace and returns its output (exit code, stdout, stderr). " +
        "Only the workspace is writable and there is no network; set network to true only when the command must reach the network (the user is asked every time).";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"command":{"type":"string"},"network":{"type":"boolean","description":"give the command network access (needs the user's approval)"}},"required":["command"],"additionalProperties":false}
        """).RootElement;

    public async Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var command = ToolArguments.RequiredString(arguments, "command");
        var network = ToolArguments.OptionalBoolean(arguments, "network") ?? false;
        // Workspaces live in HOME/workspaces/AGENT: the home is two levels up.
        var home = Path.GetFullPath(Path.Combine(context.Workspace, "..", ".."));
        var sandboxed = await SandboxAsync(cancellationToken) is not null;
        return new ToolCallPlan(Risk)
        {
            Target = network ? command + " (with network)" : command,
            // Nothing contains what a command with the network sends: the allow-list does not cover it.
            AllowListed = !network && IsAllowListed(command, context.Workspace),
            Contained = sandboxed && !network,
            Forbidden = ForbiddenCommands.Why(command, Path.GetFullPath(context.Workspace), home),
        };
    }

    /// <summary>The sandbox a command runs in, or null when it runs without one; refuses when the settings require one that does not work.</summary>
    private async Task<SandboxStatus?> SandboxAsync(CancellationToken cancellationToken)
    {
        if (sandbox is null || settings.Sandbox == SandboxMode.Off)
        {
            return null;
        }

        var status = await sandbox.StatusAsync(cancellationToken);
        return status.Works ? status
            : settings.Sandbox == SandboxMode.Required
                ? throw new InvalidOperationException($"shell.sandbox is \"required\" and the sandbox does not work here: {status.Detail}. Install bubblewrap (apt-get install bubblewrap) or set shell.sandbox to \"auto\" in config.json")
                : null;
    }

    public bool IsAllowListed(string command, string workspace)
    {
        if (CommandLine.NeedsShell(command))
        {
            return false;
        }

        IReadOnlyList<string> words;
        try
        {
            words = CommandLine.Split(command);
        }
        catch (FormatException)
        {
            return false;
        }

        var listed = settings.Allow.Any(entry =>
        {
            var prefix = entry.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return prefix.Length > 0 && words.Count >= prefix.Length && prefix.Select((w, i) => w == words[i]).All(x => x);
        });

        // An allowed program is still not allowed to look outside the workspace (cat /etc/shadow, ls ../.., cat -- -/../../x,
        // cat notes where notes links to ~/.ssh/id_rsa) or to use options that run programs, write files, read lists of
        // files or follow links while walking a tree.
        return listed && words.Skip(1).All(w => ArgumentStaysInside(w, workspace));
    }

    private static readonly HashSet<string> DangerousOptions =
    [
        "-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf", "-fls", "-f", "--file", "--output", "-o", "--files-from", "-T", "--exclude-from",
        // Following symbolic links while recursing would read whatever a link in the workspace points at.
        "-R", "-L", "-H", "--dereference", "--dereference-recursive", "-follow",
    ];

    private static bool ArgumentStaysInside(string word, string workspace)
    {
        if (word == "--")
        {
            return true;
        }

        var name = word.Split('=')[0];
        if (DangerousOptions.Contains(name) || (name.StartsWith("--", StringComparison.Ordinal) && DangerousOptions.Any(d => d.StartsWith("--", StringComparison.Ordinal) && name.StartsWith(d, StringComparison.Ordinal))))
        {
            return false;
        }

        // Combined short options (-rR, -Ln) are checked letter by letter for the link-following ones.
        if (name.Length > 2 && name[0] == '-' && name[1] != '-' && name.Skip(1).Any(c => c is 'R' or 'L' or 'H'))
        {
            return false;
        }

        // Whatever may name a path (the word itself, or an option's value) must resolve inside the workspace, links
        // followed: a bare word that names an entry of the workspace is a path as much as one with a slash.
        var value = word.Contains('=', StringComparison.Ordinal) ? word[(word.IndexOf('=', StringComparison.Ordinal) + 1)..] : word;
        if (value.Contains('/', StringComparison.Ordinal) || value.Contains("..", StringComparison.Ordinal) || value.StartsWith('~') || NamesAnEntry(workspace, value))
        {
            return WorkspacePath.Resolve(workspace, value) is not null;
        }

        return true;
    }

    private static bool NamesAnEntry(string workspace, string word)
    {
        if (word.Length == 0 || word.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var path = Path.Combine(workspace, word);
        return File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;
    }

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var command = ToolArguments.RequiredString(arguments, "command");
        var network = ToolArguments.OptionalBoolean(arguments, "network") ?? false;
        var sandboxed = await SandboxAsync(cancellationToken);
        Directory.CreateDirectory(context.Workspace);
        var info = new ProcessStartInfo { WorkingDirectory = context.Workspace, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var words = new List<string>();
        if (!CommandLine.NeedsShell(command))
        {
            words.AddRange(CommandLine.Split(command));
            if (words.Count == 0)
            {
                return ToolResult.Error("the command is empty");
            }
        }
        else
        {
            words.AddRange(["/bin/sh", "-c", command]);
        }

        // A scrubbed environment: no secrets, no MeshClaw variables, and a HOME of its own that holds no dotfiles,
        // so configuration the model wrote into the workspace (a .gitconfig, say) is not picked up. In the sandbox
        // bwrap sets it afresh inside (HOME is the private /tmp there).
        info.Environment.Clear();
        var home = Directory.CreateTempSubdirectory("meshclaw-shell-home").FullName;
        foreach (var (name, value) in CommandSandbox.CleanEnvironment(home, Path.GetTempPath()))
        {
            info.Environment[name] = value;
        }

        if (sandboxed is not null)
        {
            info.FileName = sandboxed.Program;
            foreach (var argument in sandbox!.Arguments(context.Workspace, network).Concat(words))
            {
                info.ArgumentList.Add(argument);
            }
        }
        else
        {
            info.FileName = words[0];
            foreach (var word in words.Skip(1))
            {
                info.ArgumentList.Add(word);
            }
        }

        var how = sandboxed is null
            ? settings.Sandbox == SandboxMode.Off || sandbox is null ? "sandbox: none (shell.sandbox is off)"
                : $"sandbox: none (it does not work here: {(await sandbox.StatusAsync(cancellationToken)).Detail})"
            : network ? "sandbox: bubblewrap, with network, only the workspace writable" : "sandbox: bubblewrap, no network, only the workspace writable";
        Process process;
        try
        {
            process = await ProcessSpawner.StartAsync(info);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Directory.Delete(home, recursive: true);
            return ToolResult.Error($"cannot run '{info.FileName}': {ex.Message}");
        }

        using (process)
        using (new TemporaryFolder(home))
        {
            process.StandardInput.Close();
            var stdout = ReadCappedAsync(process.StandardOutput);
            var stderr = ReadCappedAsync(process.StandardError);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(settings.Timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                // In the sandbox this kills bwrap, and with it every process of the command's namespace.
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return new ToolResult($"killed after {settings.Timeout.TotalSeconds:0} s (time limit)\n{how}\nstdout:\n{await stdout}\nstderr:\n{await stderr}", IsError: true, Untrusted: true);
            }

            var text = $"exit code {process.ExitCode}\n{how}\nstdout:\n{await stdout}\nstderr:\n{await stderr}";
            return new ToolResult(text, IsError: process.ExitCode != 0, Untrusted: true);
        }
    }

    private sealed class TemporaryFolder(string path) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // A child may still hold it; the OS cleans temp.
            }
        }
    }

    private async Task<string> ReadCappedAsync(StreamReader reader)
    {
        var buffer = new char[8192];
        var text = new StringBuilder();
        var dropped = 0L;
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            var room = settings.MaxOutputBytes - text.Length;
            text.Append(buffer, 0, Math.Min(Math.Max(room, 0), read));
            dropped += Math.Max(0, read - Math.Max(room, 0));
        }

        return dropped > 0 ? text + $"\n[output cut: {dropped} more characters]" : text.ToString();
    }
}
