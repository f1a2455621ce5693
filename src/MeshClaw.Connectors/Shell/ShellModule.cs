using System.Text.Json;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Home;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Connectors.Shell;

/// <summary>Running commands in the agent's workspace, under the "shell" section's allow-list and limits.</summary>
public sealed class ShellModule : IMeshClawModule
{
    public string Name => "shell";
    public IReadOnlyList<IConfigSection> ConfigSections { get; } = [new Section()];
    public IConnectCommand? Connect => null;

    public void Register(MeshClawBuilder builder)
    {
        builder.Services.AddSingleton<IToolSource, Tools>();
        builder.Services.AddSingleton<IDoctorCheck, AllowListCheck>();
    }

    private sealed class Tools : IToolSource
    {
        public IEnumerable<IAgentTool> CreateTools(ConfigSections config) => [new RunCommandTool(config.Get<ShellSettings>())];
    }

    /// <summary>An allow-list entry that lets anything run without approval.</summary>
    private sealed class AllowListCheck : IDoctorCheck
    {
        public Task<IReadOnlyList<Finding>> CheckAsync(MeshClawHome home, ConfigSections config, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Finding>>(config.Get<ShellSettings>().Allow.Any(a => a.Split(' ')[0] is "sh" or "bash" or "python" or "python3" or "node" or "curl" or "wget" or "rm")
                ? [new Finding(Severity.High, "shell", "the shell allow-list contains an interpreter, downloader or rm: anything can run without approval", "remove it from shell.allow in config.json")]
                : []);
    }

    /// <summary>"shell": {"allow": [...], "timeoutSeconds": 30, "maxOutputBytes": 65536}</summary>
    private sealed class Section() : ConfigSection<ShellSettings>("shell")
    {
        public override ShellSettings Read(JsonElement section, ConfigReader at)
        {
            var shell = section;
            at.Expect(shell, JsonValueKind.Object, "shell");
            at.OnlyKnown(shell, "shell", "allow", "timeoutSeconds", "maxOutputBytes");
            var defaults = new ShellSettings();
            return new ShellSettings
            {
                Allow = shell.TryGetProperty("allow", out _) ? at.StringList(shell, "allow", "shell.allow") : defaults.Allow,
                Timeout = TimeSpan.FromSeconds(Math.Clamp(at.Number(shell, "timeoutSeconds", "shell.timeoutSeconds") ?? (long)defaults.Timeout.TotalSeconds, 1, 86_400)),
                MaxOutputBytes = (int)(at.Number(shell, "maxOutputBytes", "shell.maxOutputBytes") ?? defaults.MaxOutputBytes),
            };
        }
    }
}
