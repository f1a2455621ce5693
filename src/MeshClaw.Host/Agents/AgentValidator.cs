using MeshClaw.Core.Agents;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Tools;

namespace MeshClaw.Host.Agents;

/// <summary>What <c>agents validate</c> found: how many files it read, the agents that passed, and every problem.</summary>
public sealed record AgentValidation(int Files, IReadOnlyList<AgentDefinition> Valid, IReadOnlyList<AgentFileError> Problems);

/// <summary>
/// Checks agent files against what MeshClaw has, as a run would meet it: grants against the full tool catalog of every
/// module, <c>model</c> and <c>fallbacks</c> against config.json, <c>builtin</c> against the registered procedures and
/// <c>subagents</c> against the other agents. Every problem of every file is reported with its line and field.
/// </summary>
public sealed class AgentValidator(MeshClawHome home, ConfigSource config, ToolCatalogProvider tools, IEnumerable<IRunProcedure> procedures)
{
    /// <summary>The given files, or every <c>*.md</c> in the agents folder when none is given.</summary>
    public AgentValidation Validate(IReadOnlyList<string> files)
    {
        var problems = new List<AgentFileError>();
        var agents = new List<AgentDefinition>();
        var paths = files.Count > 0 ? files : Directory.Exists(home.Agents) ? [.. Directory.EnumerateFiles(home.Agents, "*.md").Order(StringComparer.Ordinal)] : [];
        foreach (var file in paths)
        {
            var result = Read(file);
            problems.AddRange(result.Errors);
            if (result.Agent is { } agent)
            {
                agents.Add(agent);
            }
        }

        MeshClawConfig? settings = null;
        try
        {
            settings = config.Current().Config;
        }
        catch (ConfigException ex)
        {
            // Agents are still checked against the tools; their models cannot be until config.json loads.
            problems.Add(new AgentFileError(home.ConfigFile, 1, "config", ex.Message));
        }

        var catalog = tools.For(settings?.Sections ?? ConfigLoader.Parse("{}", home.ConfigFile).Sections);
        var builtins = procedures.Select(p => p.Name).Where(n => n != AgentLoop.ProcedureName).ToHashSet(StringComparer.Ordinal);
        var names = agents.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var valid = new List<AgentDefinition>();
        foreach (var agent in agents)
        {
            var found = Check(agent, catalog, settings, builtins, names).ToList();
            problems.AddRange(found);
            if (found.Count == 0)
            {
                valid.Add(agent);
            }
        }

        return new AgentValidation(paths.Count, valid, problems);
    }

    private static AgentLoadResult Read(string file)
    {
        if (!File.Exists(file))
        {
            return new AgentLoadResult(null, [new AgentFileError(file, 1, "file", "does not exist")]);
        }

        try
        {
            return AgentFileParser.Parse(Path.GetFullPath(file), File.ReadAllText(file));
        }
        catch (IOException ex)
        {
            return new AgentLoadResult(null, [new AgentFileError(file, 1, "file", $"cannot be read: {ex.Message}")]);
        }
    }

    private static IEnumerable<AgentFileError> Check(AgentDefinition agent, Core.Tools.ToolCatalog catalog, MeshClawConfig? settings, HashSet<string> builtins, HashSet<string> agents)
    {
        var lines = File.ReadAllLines(agent.SourcePath);
        AgentFileError Problem(string field, string message) => new(agent.SourcePath, LineOf(lines, field), field, message);

        foreach (var grant in catalog.UnknownGrants(agent.Tools))
        {
            yield return grant is "meshclaw.grants" or "set_agent_tools"
                ? Problem("tools", $"'{grant}' is no longer a tool: an agent's grants are changed by the user (edit the agent file, or the dashboard), never by an agent; remove it")
                : Problem("tools", $"'{grant}' matches no tool or capability (known capabilities: {string.Join(", ", catalog.All.Select(t => t.Capability).Distinct().Order())})");
        }

        if (settings is not null)
        {
            if (agent.Model is { } model && !settings.Models.ContainsKey(model))
            {
                yield return Problem("model", $"'{model}' is not a model in config.json (models: {Listed(settings.Models.Keys)})");
            }

            if (agent.Model is null && settings.DefaultModel is null && agent.Builtin is null)
            {
                yield return Problem("model", "names no model and config.json has no defaultModel; add 'model:' or set defaultModel");
            }

            foreach (var fallback in agent.Fallbacks.Where(f => !settings.Models.ContainsKey(f)))
            {
                yield return Problem("fallbacks", $"'{fallback}' is not a model in config.json (models: {Listed(settings.Models.Keys)})");
            }
        }

        if (agent.Builtin is { } builtin && !builtins.Contains(builtin))
        {
            yield return Problem("builtin", $"'{builtin}' is not a built-in procedure (known: {Listed(builtins)})");
        }

        foreach (var subagent in agent.Subagents.Where(s => !agents.Contains(s)))
        {
            yield return Problem("subagents", $"no agent named '{subagent}' was found beside it");
        }
    }

    private static string Listed(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "none";

    /// <summary>The line of a top-level field of the front matter, so the user is sent to it; line 2 when it is not written.</summary>
    private static int LineOf(string[] lines, string field)
    {
        for (var i = 1; i < lines.Length && lines[i].Trim() != "---"; i++)
        {
            if (lines[i].StartsWith(field + ":", StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        return 2;
    }
}
