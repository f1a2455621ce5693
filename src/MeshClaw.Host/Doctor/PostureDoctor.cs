using System.Net;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Home;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Access;
using MeshClaw.Models.Config;
using MeshClaw.Core.Configuration;

namespace MeshClaw.Host.Doctor;

/// <summary>
/// Checks the installation's security posture and configuration, from the home folder alone (the gateway need
/// not run): exposure, token, file permissions, loosened defaults, broad grants, the audit log, models.
/// </summary>
public sealed class PostureDoctor(MeshClawHome home, ISecretStore secrets, IEnumerable<IToolSource> sources, IEnumerable<IDoctorCheck> checks)
{
    private const UnixFileMode OthersOrGroup = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly string[] PrivateFiles = ["secrets.json", "secrets.key", "meshclaw.db"];
    private static readonly HttpClient Http = new();

    public async Task<IReadOnlyList<Finding>> CheckAsync(CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        if (!Directory.Exists(home.Root))
        {
            findings.Add(new(Severity.High, "home", $"{home.Root} does not exist", "start MeshClaw once with: meshclaw up"));
            return findings;
        }

        if (home.UnwritableReason() is { } unwritable)
        {
            // A full disk or a read-only home: nothing can be recorded (runs, journal, audit), so it is said first.
            findings.Add(new(Severity.High, "home", unwritable, "free space on the disk that holds the home, or make the folder writable"));
        }

        MeshClawConfig config;
        try
        {
            config = ConfigLoader.Load(home.ConfigFile);
        }
        catch (ConfigException ex)
        {
            findings.Add(new(Severity.High, "config", ex.Message, "fix the field named in the message"));
            return findings;
        }

        CheckExposure(config, findings);
        CheckPermissions(findings);
        CheckToken(findings);
        CheckPolicy(config, findings);
        CheckAgents(config, findings);
        foreach (var check in checks)
        {
            findings.AddRange(await check.CheckAsync(home, config.Sections, cancellationToken));
        }

        await CheckModelsAsync(config, findings, cancellationToken);
        return findings;
    }

    private static void CheckExposure(MeshClawConfig config, List<Finding> findings)
    {
        if (!IPAddress.TryParse(config.BindAddress, out var address) || !IPAddress.IsLoopback(address))
        {
            findings.Add(new(Severity.High, "bind", $"the gateway listens on {config.BindAddress}, reachable from the network, without TLS",
                "set \"bind\": \"127.0.0.1\" in config.json, or put it behind a TLS reverse proxy"));
        }

        if (!config.AuditEnabled)
        {
            findings.Add(new(Severity.High, "audit", "the audit log is switched off: actions leave no tamper-evident trace",
                "remove \"audit\": {\"enabled\": false} from config.json"));
        }
    }

    private void CheckPermissions(List<Finding> findings)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if ((File.GetUnixFileMode(home.Root) & OthersOrGroup) != 0)
        {
            findings.Add(new(Severity.High, "permissions", $"{home.Root} can be read by other users", $"chmod 700 {home.Root}"));
        }

        foreach (var file in PrivateFiles.Select(f => Path.Combine(home.Root, f)).Where(File.Exists))
        {
            if ((File.GetUnixFileMode(file) & OthersOrGroup) != 0)
            {
                findings.Add(new(Severity.High, "permissions", $"{file} can be read by other users", $"chmod 600 {file}"));
            }
        }

        if (File.Exists(home.ConfigFile) && File.ReadAllText(home.ConfigFile) is var text
            && (text.Contains("sk-", StringComparison.Ordinal) || text.Contains("\"apiKey\"", StringComparison.OrdinalIgnoreCase)))
        {
            findings.Add(new(Severity.High, "secrets", "config.json seems to contain an API key in plain text",
                "move it to the secrets store (meshclaw secrets set NAME) and refer to it with \"apiKeySecret\": \"NAME\""));
        }
    }

    private void CheckToken(List<Finding> findings)
    {
        string? token;
        try
        {
            token = secrets.Get(AccessToken.SecretName);
        }
        catch (InvalidOperationException ex)
        {
            findings.Add(new(Severity.High, "token", ex.Message, "restore secrets.json and secrets.key from a backup"));
            return;
        }

        if (token is null)
        {
            findings.Add(new(Severity.Medium, "token", "no access token yet", "start the gateway once (meshclaw up) to create one"));
        }
        else if (token.Length < 32)
        {
            findings.Add(new(Severity.High, "token", "the access token is short enough to guess",
                $"remove it (meshclaw secrets remove {AccessToken.SecretName}) and restart the gateway to create a new one"));
        }
    }

    private static void CheckPolicy(MeshClawConfig config, List<Finding> findings)
    {
        foreach (var loosened in config.Policy.Loosened)
        {
            findings.Add(new(Severity.Medium, "policy", $"agent '{loosened.Agent}' may use {loosened.Capability} without asking (loosened default)",
                "remove the entry from policy.loosen in config.json if it is not needed"));
        }

        if (config.Policy.BulkLimitPerRun > 100)
        {
            findings.Add(new(Severity.Low, "policy", $"bulk limit is {config.Policy.BulkLimitPerRun} items per run", "the default is 25; lower policy.bulkLimitPerRun"));
        }
    }

    private void CheckAgents(MeshClawConfig config, List<Finding> findings)
    {
        var catalog = AgentCatalog.Load(home.Agents);
        foreach (var error in catalog.Errors)
        {
            findings.Add(new(Severity.Low, "agents", error.ToString(), "fix the file (meshclaw agents validate)"));
        }

        var all = new ToolCatalog(sources.SelectMany(s => s.CreateTools(config.Sections)));
        foreach (var agent in catalog.Agents)
        {
            var granted = all.Granted(agent.Tools);
            var risky = granted.Where(t => t.Risk is ToolRisk.ChangesMeshClaw or ToolRisk.ExecutesCode or ToolRisk.SendsOutside).Select(t => t.Capability).Distinct().ToList();
            if (agent.Tools.Any(g => g is "*" or "*.*") || granted.Count == all.All.Count)
            {
                findings.Add(new(Severity.High, "grants", $"agent '{agent.Name}' is granted every tool", $"list only what it needs under tools: in {agent.SourcePath}"));
            }
            else if (risky.Count > 0)
            {
                findings.Add(new(Severity.Low, "grants", $"agent '{agent.Name}' may ask to use {string.Join(", ", risky)} (each call still needs approval unless loosened)",
                    $"remove them from tools: in {agent.SourcePath} if it does not need them"));
            }

            foreach (var unknown in all.UnknownGrants(agent.Tools))
            {
                findings.Add(new(Severity.Low, "grants", $"agent '{agent.Name}' grants '{unknown}', which matches no tool", $"fix tools: in {agent.SourcePath}"));
            }
        }
    }

    private static async Task CheckModelsAsync(MeshClawConfig config, List<Finding> findings, CancellationToken cancellationToken)
    {
        if (config.Models.Count == 0)
        {
            findings.Add(new(Severity.Info, "models", "no model is configured; rules still run but agents cannot", "add a model under \"models\" in config.json"));
        }

        foreach (var model in config.Models.Values)
        {
            var url = model.Kind == ModelKind.Anthropic
                ? new Uri((model.BaseUrl?.ToString().TrimEnd('/') ?? "https://api.anthropic.com") + "/v1/models")
                : new Uri(model.BaseUrl!.ToString().TrimEnd('/') + "/models");
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(TimeSpan.FromSeconds(3));
                using var response = await Http.GetAsync(url, limit.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                findings.Add(new(Severity.Medium, "models", $"model '{model.Name}' at {url.GetLeftPart(UriPartial.Authority)} cannot be reached ({ex.Message})",
                    "start the model server, or fix baseUrl in config.json"));
            }
        }
    }
}
