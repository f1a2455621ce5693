using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw outcomes</c> and <c>meshclaw feedback OUTCOME VERDICT</c>: what runs produced, and whether it was worth it.</summary>
public static class FeedbackCommands
{
    public static Command Outcomes(GlobalOptions globals)
    {
        var days = new Option<int>("--days") { DefaultValueFactory = _ => 7, Description = "How far back" };
        var command = new Command("outcomes", "What runs produced (mail triaged, drafts, answers), with your verdicts") { days };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var outcomes = await client.GetAsync<List<OutcomeView>>($"api/outcomes?days={parse.GetValue(days).ToString(CultureInfo.InvariantCulture)}", ct);
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
