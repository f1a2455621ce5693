using System.CommandLine;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Agents;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Api;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw agents list|show|validate</c>: read straight from the agents folder, gateway or not.</summary>
public static class AgentsCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("agents", "List, show and validate the agent files in the home folder's agents/");

        var list = new Command("list", "List the agents and any files that failed to load");
        list.SetAction(parse =>
        {
            var catalog = AgentCatalog.Load(globals.HomeOf(parse).Agents);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(new AgentListView([.. catalog.Agents.OrderBy(a => a.Name, StringComparer.Ordinal).Select(InfoEndpointsView)], [.. catalog.Errors.Select(e => e.ToString())]));
                return 0;
            }

            Terminal.Table(["agent", "model", "tools", "triggers", "description"],
                catalog.Agents.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => (IReadOnlyList<string>)
                    [a.Name, a.Model ?? "(default)", string.Join(", ", a.Tools), string.Join(", ", a.Triggers.Select(t => $"{t.Kind.ToString().ToLowerInvariant()} {t.Value}")), a.Description]));
            foreach (var error in catalog.Errors)
            {
                Terminal.Error(error.ToString());
            }

            return catalog.Errors.Count == 0 ? 0 : CommandGuard.Failed;
        });

        var nameArgument = new Argument<string>("name") { Description = "Agent name" };
        var show = new Command("show", "Show one agent: its settings, grants, budget and instructions") { nameArgument };
        show.SetAction(parse =>
        {
            var name = parse.GetValue(nameArgument)!;
            var catalog = AgentCatalog.Load(globals.HomeOf(parse).Agents);
            if (catalog.Find(name) is not { } agent)
            {
                Terminal.Error($"no agent named '{name}'");
                foreach (var error in catalog.Errors.Where(e => Path.GetFileNameWithoutExtension(e.File) == name))
                {
                    Terminal.Error(error.ToString());
                }

                return CommandGuard.Failed;
            }

            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(InfoEndpointsView(agent));
                return 0;
            }

            Terminal.Line($"{agent.Name}: {agent.Description}");
            Terminal.Line($"  file:      {agent.SourcePath}");
            Terminal.Line($"  model:     {agent.Model ?? "(default)"}{(agent.Fallbacks.Count > 0 ? " then " + string.Join(", ", agent.Fallbacks) : "")}");
            Terminal.Line($"  tools:     {(agent.Tools.Count == 0 ? "none (read-only until granted)" : string.Join(", ", agent.Tools))}");
            Terminal.Line($"  triggers:  {(agent.Triggers.Count == 0 ? "none (runs when asked)" : string.Join(", ", agent.Triggers.Select(t => $"{t.Kind.ToString().ToLowerInvariant()} {t.Value}")))}");
            var b = agent.Budget;
            Terminal.Line($"  budget:    {b.TokensPerRun?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "∞"} tokens/run, {b.TokensPerDay?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "∞"} tokens/day, {b.MaxSteps} steps");
            Terminal.Line("");
            Terminal.Line(agent.Instructions);
            return 0;
        });

        var files = new Argument<string[]>("files") { Description = "Agent files to check (default: every file in agents/)", Arity = ArgumentArity.ZeroOrMore };
        var validate = new Command("validate", "Check agent files and report every problem with file, line and field") { files };
        validate.SetAction(async (parse, ct) =>
        {
            // Asynchronously disposed: the modules' services (the mail connections) close only that way.
            await using var offline = globals.OfflineOf(parse);
            var result = offline.GetRequiredService<AgentValidator>().Validate(parse.GetValue(files) ?? []);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(new
                {
                    files = result.Files,
                    valid = result.Valid.Select(a => a.Name).Order().ToList(),
                    errors = result.Problems.Select(e => new { e.File, e.Line, e.Field, e.Message }),
                });
            }
            else
            {
                foreach (var problem in result.Problems)
                {
                    Terminal.Error(problem.ToString());
                }

                Terminal.Line($"{result.Files} file(s) checked: {result.Valid.Count} agent(s) valid, {result.Problems.Count} problem(s)");
            }

            return result.Problems.Count == 0 ? 0 : CommandGuard.Failed;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(validate);
        return command;
    }

    private static AgentView InfoEndpointsView(AgentDefinition agent) => Host.Api.InfoEndpoints.ToView(agent);
}
