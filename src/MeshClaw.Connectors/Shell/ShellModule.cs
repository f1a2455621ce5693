using System.Text.Json;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Home;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshClaw.Connectors.Shell;

/// <summary>Running commands in the agent's workspace, under the "shell" section's allow-list and limits.</summary>
public sealed class ShellModule : IMeshClawModule
{
    public string Name => "shell";
    public IReadOnlyList<IConfigSection> ConfigSections { get; } = [new Section()];
    public IConnectCommand? Connect => null;

    public void Register(MeshClawBuilder builder)
    {
        // Try-added: a test composes its own (a bwrap that is missing, say).
        builder.Services.TryAddSingleton(new CommandSandbox(builder.Home.Root));
        builder.Services.AddSingleton<IToolSource, Tools>();
        builder.Services.AddSingleton<IDoctorCheck, AllowListCheck>();
        builder.Services.AddSingleton<IDoctorCheck, SandboxCheck>();
    }

    private sealed class Tools(CommandSandbox sandbox) : IToolSource
    {
        public IEnumerable<IAgentTool> CreateTools(ConfigSections config) => [new RunCommandTool(config.Get<ShellSettings>(), sandbox)];
    }

    /// <summary>An allow-list entry that lets anything run without approval.</summary>
    private sealed class AllowListCheck : IDoctorCheck
    {
        public Task<IReadOnlyList<Finding>> CheckAsync(MeshClawHome home, ConfigSections config, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Finding>>(config.Get<ShellSettings>().Allow.Any(a => a.Split(' ')[0] is "sh" or "bash" or "python" or "python3" or "node" or "curl" or "wget" or "rm")
                ? [new Finding(Severity.High, "shell", "the shell allow-list contains an interpreter, downloader or rm: anything can run without approval", "remove it from shell.allow in config.json")]
                : []);
    }

    /// <summary>Commands that run outside the sandbox: what that costs, in the user's terms.</summary>
    private sealed class SandboxCheck(CommandSandbox sandbox) : IDoctorCheck
    {
        private const string Unsandboxed = "commands run with the network and can read the MeshClaw home (database, secrets, key, config), " +
            "and every command in a run that has read untrusted content needs approval, even an allow-listed one";

        public async Task<IReadOnlyList<Finding>> CheckAsync(MeshClawHome home, ConfigSections config, CancellationToken cancellationToken)
        {
            var mode = config.Get<ShellSettings>().Sandbox;
            if (mode == SandboxMode.Off)
            {
                return [new Finding(Severity.Medium, "sandbox", $"shell.sandbox is \"off\": {Unsandboxed}", "remove \"sandbox\": \"off\" from the shell section of config.json")];
            }

            var status = await sandbox.StatusAsync(cancellationToken);
            return status.Works ? []
                : [new Finding(mode == SandboxMode.Required ? Severity.High : Severity.Medium, "sandbox",
                    $"the command sandbox does not work here ({status.Detail}): " + (mode == SandboxMode.Required ? "shell.sandbox is \"required\", so every command is refused" : Unsandboxed),
                    "install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)")];
        }
    }

    /// <summary>"shell": {"allow": [...], "timeoutSeconds": 30, "maxOutputBytes": 65536, "sandbox": "auto" | "required" | "off"}</summary>
    private sealed class Section() : ConfigSection<ShellSettings>("shell")
    {
        public override ShellSettings Read(JsonElement section, ConfigReader at)
        {
            var shell = section;
            at.Expect(shell, JsonValueKind.Object, "shell");
            at.OnlyKnown(shell, "shell", "allow", "timeoutSeconds", "maxOutputBytes", "sandbox");
            var defaults = new ShellSettings();
            return new ShellSettings
            {
                Allow = shell.TryGetProperty("allow", out _) ? at.StringList(shell, "allow", "shell.allow") : defaults.Allow,
                Timeout = TimeSpan.FromSeconds(Math.Clamp(at.Number(shell, "timeoutSeconds", "shell.timeoutSeconds") ?? (long)defaults.Timeout.TotalSeconds, 1, 86_400)),
                MaxOutputBytes = (int)(at.Number(shell, "maxOutputBytes", "shell.maxOutputBytes") ?? defaults.MaxOutputBytes),
                Sandbox = at.Text(shell, "sandbox", "shell.sandbox") switch
                {
                    null or "auto" => SandboxMode.Auto,
                    "required" => SandboxMode.Required,
                    "off" => SandboxMode.Off,
                    var other => throw at.Error("shell.sandbox", $"expected \"auto\", \"required\" or \"off\", found \"{other}\""),
                },
            };
        }
    }
}
