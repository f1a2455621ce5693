using MeshClaw.Core.Agents;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using Microsoft.Extensions.AI;

namespace MeshClaw.Tests.Loop;

/// <summary>A session's history stays within the agent's context allowance: big turns cut to head and tail, old turns recapped, the new message whole.</summary>
public sealed class ContextWindowTests
{
    private static readonly AgentDefinition Agent = new() { Name = "helper", Instructions = "You help.", SourcePath = "helper.md" };

    private static RunRecord Turn(int n, string input, string answer) => new()
    {
        Id = new RunId($"run_{n}"), Agent = "helper", Trigger = new RunTrigger(RunTriggerKind.Chat), Input = input, Answer = answer, Status = RunStatus.Succeeded,
        StartedAt = DateTimeOffset.UnixEpoch.AddMinutes(n),
    };

    private static List<ChatMessage> Build(IReadOnlyList<RunRecord> history, string message, AgentDefinition? agent = null) =>
        ContextAssembler.Build(agent ?? Agent, history, message, null, new UntrustedFence());

    [Fact]
    public void AShortSession_IsSentWhole_WithNoRecap()
    {
        var context = Build([Turn(1, "What is 2+2?", "4."), Turn(2, "And 3+3?", "6.")], "And 4+4?");

        Assert.Equal(["You help.", "What is 2+2?", "4.", "And 3+3?", "6.", "And 4+4?"], context.Select(m => m.Text));
    }

    [Fact]
    public void AFiveMegabyteMessage_DoesNotRideAlongInLaterTurns_ItsHeadAndTailDoAndSayWhereTheRestIs()
    {
        var huge = "HEAD" + new string('x', 5 * 1024 * 1024) + "TAIL";

        var context = Build([Turn(1, huge, "Summarised."), Turn(2, "Thanks", "You're welcome.")], "One more thing");

        Assert.True(TokenEstimator.Estimate(context) <= AgentDefinition.DefaultContextTokens, $"{TokenEstimator.Estimate(context)} tokens");
        var cut = Assert.Single(context, m => m.Text.StartsWith("HEAD", StringComparison.Ordinal)).Text;
        Assert.EndsWith("TAIL", cut, StringComparison.Ordinal);
        Assert.Contains("characters cut to keep the context small; the whole text is in run run_1 (meshclaw runs show run_1)", cut, StringComparison.Ordinal);
        Assert.Equal("One more thing", context[^1].Text);
    }

    [Fact]
    public void ALongSession_KeepsTheNewestTurnsWhole_AndRecapsTheOlderOnes_WithinTheAllowance()
    {
        var history = Enumerable.Range(1, 150).Select(n => Turn(n, $"question {n} " + new string('q', 600), $"answer {n} " + new string('a', 1400))).ToList();
        var small = Agent with { ContextTokens = 8000 };

        var context = Build(history, "the newest question", small);

        Assert.True(TokenEstimator.Estimate(context) <= small.ContextTokens, $"{TokenEstimator.Estimate(context)} tokens for an allowance of {small.ContextTokens}");
        Assert.StartsWith("question 150 ", context[^3].Text, StringComparison.Ordinal);
        Assert.StartsWith("answer 150 ", context[^2].Text, StringComparison.Ordinal);
        var recap = context[1].Text;
        Assert.StartsWith("Earlier in this session (", recap, StringComparison.Ordinal);
        Assert.Contains("oldest not shown", recap, StringComparison.Ordinal);
        var newestRecapped = int.Parse(recap.Split('\n')[^1].Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
        // The recap runs up to the turn just before the first one sent whole: nothing in between is lost.
        Assert.Equal(newestRecapped + 1, int.Parse(context[2].Text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TheNewMessage_IsNeverCut_EvenWhenItAloneIsOverTheAllowance()
    {
        var message = new string('m', 200_000);

        var context = Build([Turn(1, "earlier", "yes")], message, Agent with { ContextTokens = 1000 });

        Assert.Equal(message, context[^1].Text);
        Assert.DoesNotContain(context, m => m.Text == "earlier");
    }

    [Fact]
    public void AToolResultOverAQuarterOfTheAllowance_IsCutToHeadAndTail_WithHowToGetTheRest()
    {
        var listing = "FIRST" + new string('f', 100_000) + "LAST";

        var cut = HistoryWindow.CutToolResult(listing, 16_000);

        Assert.True(cut.Length <= 16_000, $"{cut.Length} characters");
        Assert.StartsWith("FIRST", cut, StringComparison.Ordinal);
        Assert.EndsWith("LAST", cut, StringComparison.Ordinal);
        Assert.Contains("characters cut to keep the context small; ask again for a part of it", cut, StringComparison.Ordinal);
        Assert.Equal("small", HistoryWindow.CutToolResult("small", 16_000));
    }

    [Theory]
    [InlineData("context_tokens: 32000", 32000, null)]
    [InlineData("context_tokens: 12", AgentDefinition.DefaultContextTokens, "context_tokens: 12 is out of range")]
    [InlineData("context_tokens: lots", AgentDefinition.DefaultContextTokens, "context_tokens")]
    public void ContextTokens_IsReadFromTheAgentFile_WithTheFieldNamedWhenWrong(string line, int expected, string? error)
    {
        var result = AgentFileParser.Parse("helper.md", $"---\nname: helper\n{line}\n---\nYou help.\n");

        if (error is null)
        {
            Assert.Equal(expected, result.Agent!.ContextTokens);
        }
        else
        {
            Assert.Contains(result.Errors, e => e.ToString().Contains(error, StringComparison.Ordinal) || e.Field == error);
        }
    }

    [Fact]
    public void TheCurrentTime_EndsTheNewMessage_InTheUsersZone_AcrossDaylightSaving()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var summer = PromptClock.Line(new DateTimeOffset(2026, 10, 24, 22, 30, 0, TimeSpan.Zero), zone);
        var winter = PromptClock.Line(new DateTimeOffset(2026, 10, 25, 22, 30, 0, TimeSpan.Zero), zone);

        var context = ContextAssembler.Build(Agent, [Turn(1, "Hi", "Hello.")], "What day is it?", null, new UntrustedFence(), winter);

        Assert.Equal("(Current time: Sunday 25 October 2026, 00:30 in Europe/Berlin, UTC+02:00.)", summer);
        Assert.Equal("(Current time: Sunday 25 October 2026, 23:30 in Europe/Berlin, UTC+01:00.)", winter);
        Assert.Equal("What day is it?\n\n" + winter, context[^1].Text);
        Assert.DoesNotContain(context.SkipLast(1), m => m.Text.Contains("Current time", StringComparison.Ordinal));
    }
}
