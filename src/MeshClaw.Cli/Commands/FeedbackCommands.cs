using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw outcomes</c> and <c>meshclaw feedback OUTCOME VERDICT</c>: what runs produced, and whether it was worth it.</summary>
public static class FeedbackCommands
{
    private const int PageSize = 500;

    public static Command Outcomes(GlobalOptions globals)
    {
        var days = new Option<int>("--days") { DefaultValueFactory = _ => 7, Description = "How far back" };
        var limit = new Option<int?>("--limit") { Description = "At most this many, newest first (default: all of the period)" };
        var command = new Command("outcomes", "What runs produced (mail triaged, corrected, drafts, answers), with your verdicts") { days, limit };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var wanted = parse.GetValue(limit) is { } l ? Math.Max(l, 1) : int.MaxValue;
            var outcomes = new List<OutcomeView>();
            while (outcomes.Count < wanted)
            {
                // Page by page, never stopping silently at a server's page size.
                var size = Math.Min(PageSize, wanted - outcomes.Count);
                var before = outcomes.Count > 0 ? $"&before={outcomes[^1].Id.ToString(CultureInfo.InvariantCulture)}" : "";
                var page = await client.GetAsync<List<OutcomeView>>(
                    $"api/outcomes?days={parse.GetValue(days).ToString(CultureInfo.InvariantCulture)}&limit={size.ToString(CultureInfo.InvariantCulture)}{before}", ct);
                outcomes.AddRange(page);
                if (page.Count < size)
                {
                    break;
                }
            }

            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(outcomes);
                return 0;
            }

            Terminal.Table(["id", "kind", "agent", "what", "by", "verdict"], outcomes.Select(o => (IReadOnlyList<string>)
                [o.Id.ToString(CultureInfo.InvariantCulture), o.Kind, o.Agent, o.Subject.Length > 50 ? o.Subject[..50] + "…" : o.Subject, o.Source, o.Feedback ?? ""]));
            return 0;
        }));
        return command;
    }

    public static Command Feedback(GlobalOptions globals)
    {
        var outcome = new Argument<long>("outcome") { Description = "Outcome id (meshclaw outcomes)" };
        var verdict = new Argument<string>("verdict") { Description = "useful, not-useful, accepted (a draft you used) or discarded" };
        var command = new Command("feedback", "Say whether an outcome was worth its tokens") { outcome, verdict };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            await client.PostAsync<JsonElement>($"api/outcomes/{parse.GetValue(outcome).ToString(CultureInfo.InvariantCulture)}/feedback", new FeedbackBody(parse.GetValue(verdict)!), ct);
            Terminal.Line($"outcome {parse.GetValue(outcome)} marked {parse.GetValue(verdict)}");
            return 0;
        }));
        return command;
    }
}
