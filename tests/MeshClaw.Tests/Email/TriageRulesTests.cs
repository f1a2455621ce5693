using MeshClaw.Connectors.Email;
using MeshClaw.Connectors.Email.Triage;

namespace MeshClaw.Tests.Email;

public sealed class TriageRulesTests
{
    private static MailSummary Mail(string from = "person@corp.example", string subject = "Hello", string? unsubscribe = null, string? precedence = null, string? auto = null) =>
        new("id@x", 1, from, from, subject, DateTimeOffset.UtcNow, false, false, 100, unsubscribe, precedence, auto, null);

    [Fact]
    public void UserRule_WinsFirst_WithGlobSenders()
    {
        var rules = new[] { new TriageRule("github", "*@github.com", null, "notification"), new TriageRule("boss", null, "urgent:", "urgent") };

        Assert.Equal("rule:github", TriageRules.Classify(Mail("ci@github.com"), rules, [])!.Source);
        Assert.Equal("urgent", TriageRules.Classify(Mail(subject: "URGENT: outage"), rules, [])!.Category);
        Assert.Null(TriageRules.Classify(Mail(), rules, []));
    }

    [Theory]
    [InlineData("<mailto:u@x>", null, null, "newsletter")]
    [InlineData(null, "bulk", null, "newsletter")]
    [InlineData(null, null, "auto-generated", "notification")]
    public void ListAndAutomatedHeaders_SettleWithoutTheModel(string? unsubscribe, string? precedence, string? auto, string category)
    {
        Assert.Equal(category, TriageRules.Classify(Mail(unsubscribe: unsubscribe, precedence: precedence, auto: auto), [], [])!.Category);
    }

    [Fact]
    public void AutoSubmittedNo_IsAPerson()
    {
        Assert.Null(TriageRules.Classify(Mail(auto: "no"), [], []));
        Assert.Equal("notification", TriageRules.Classify(Mail("noreply@shop.example"), [], [])!.Category);
    }

    [Fact]
    public void SenderTheModelFiledAlikeThreeTimes_BecomesARule_ButNeverForUrgentOrReplies()
    {
        Assert.Equal("rule:known-sender", TriageRules.Classify(Mail(), [], ["fyi", "fyi", "fyi"])!.Source);
        Assert.Null(TriageRules.Classify(Mail(), [], ["fyi", "spam", "fyi"]));
        Assert.Null(TriageRules.Classify(Mail(), [], ["needs-reply", "needs-reply", "needs-reply"]));
    }

    [Theory]
    [InlineData("""[{"id":"a","category":"spam","reason":"x"}]""", "no verdict for b")]
    [InlineData("""[{"id":"a","category":"delete-everything"},{"id":"b","category":"fyi"}]""", "is not one of")]
    [InlineData("""[{"id":"zzz","category":"fyi"}]""", "unknown or missing id")]
    [InlineData("sure, all fine", "no JSON array")]
    [InlineData("[{\"id\": ]", "not valid JSON")]
    public void ModelAnswer_IsCheckedFieldByField(string answer, string problem)
    {
        ModelClassifier.Item[] batch = [new("a", "x", "s", ""), new("b", "y", "t", "")];

        Assert.False(ModelClassifier.TryParse(answer, batch, out _, out var found));
        Assert.Contains(problem, found, StringComparison.Ordinal);
    }

    [Fact]
    public void InboxAgentFile_LoadsAndIsReadOnlyAboutSending()
    {
        var agent = MeshClaw.Core.Agents.AgentFileParser.Parse("inbox.md", MeshClaw.Connectors.Email.Inbox.InboxAgentFile.Text).Agent!;

        Assert.Equal("inbox", agent.Builtin);
        Assert.DoesNotContain("email.send", agent.Tools);
        Assert.Contains(agent.Triggers, t => t.Value == "email.received");
    }
}
