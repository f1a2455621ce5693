using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;

namespace MeshClaw.Connectors.Shell;

/// <summary>
/// Runs a command in the agent's workspace with a scrubbed environment (no secrets, no MeshClaw variables),
/// a time limit and an output cap. Commands on the allow-list, with every path argument inside the
/// workspace, may run without approval while the run is untainted; anything else is held for approval.
/// Output is untrusted.
/// </summary>
public sealed class RunCommandTool(ShellSettings settings) : IAgentTool
{
    public string Name => "run_command";
    public string Capability => "shell.exec";
    public ToolRisk Risk => ToolRisk.ExecutesCode;
    public string Description => "Runs a shell command in the agent's workspace and returns its output (exit code, stdout, stderr).";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"command":{"type":"string"}},"required":["command"],"additionalProperties":false}
        """).RootElement;

    public Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var command = ToolArguments.RequiredString(arguments, "command");
        // Workspaces live in HOME/workspaces/AGENT: the home is two levels up.
        var home = Path.GetFullPath(Path.Combine(context.Workspace, "..", ".."));
        return Task.FromResult(new ToolCallPlan(Risk)
        {
            Target = command,
            AllowListed = IsAllowListed(command, context.Workspace),
            Forbidden = ForbiddenCommands.Why(command, Path.GetFullPath(context.Workspace), home),
        });
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
        Directory.CreateDirectory(context.Workspace);
        var info = new ProcessStartInfo { WorkingDirectory = context.Workspace, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!CommandLine.NeedsShell(command))
        {
            var words = CommandLine.Split(command);
            if (words.Count == 0)
            {
                return ToolResult.Error("the command is empty");
            }

            info.FileName = words[0];
            foreach (var word in words.Skip(1))
            {
                info.ArgumentList.Add(word);
            }
        }
        else
        {
            info.FileName = "/bin/sh";
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(command);
        }

        // A scrubbed environment: no secrets, no MeshClaw variables, and a HOME of its own that holds no dotfiles,
        // so configuration the model wrote into the workspace (a .gitconfig, say) is not picked up.
        var home = Directory.CreateTempSubdirectory("meshclaw-shell-home").FullName;
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        info.Environment["HOME"] = home;
        info.Environment["LANG"] = "C.UTF-8";
        info.Environment["TMPDIR"] = Path.GetTempPath();
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("the process did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return ToolResult.Error($"cannot run '{info.FileName}': {ex.Message}");
        }

        using (process)
        using (new TemporaryFolder(home))
        {
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
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return new ToolResult($"killed after {settings.Timeout.TotalSeconds:0} s (time limit)\nstdout:\n{await stdout}\nstderr:\n{await stderr}", IsError: true, Untrusted: true);
            }

            var text = $"exit code {process.ExitCode}\nstdout:\n{await stdout}\nstderr:\n{await stderr}";
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
