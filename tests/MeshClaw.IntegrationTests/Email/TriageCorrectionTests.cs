using System.Text.Json;
using MailKit;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Storage.Secrets;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;
using MeshClaw.Testing.Mail;
using MimeKit;

namespace MeshClaw.IntegrationTests.Email;

/// <summary>
/// The user re-sorts what triage filed, in a real mailbox, and the next pass obeys at once: the correction is seen by
/// Message-ID, shown as an outcome, and decides the sender's next mail ahead of the header rules and the model.
/// </summary>
public sealed class TriageCorrectionTests : IAsyncLifetime
{
    private const string Password = "erin-pass-1234";
    private readonly TestHome _home = new();
    private MailServer _mail = null!;
    private MailSeeder _erin = null!;
    private ScriptedModelServer _server = null!;

    public async Task InitializeAsync()
    {
        _mail = await MailServer.StartAsync(new Dictionary<string, string> { ["erin"] = Password });
        _erin = new MailSeeder(_mail, "erin", Password);
        _server = await ScriptedModelServer.StartAsync();
        var email = MailGatewayFixture.Account(_mail, "MAIL_ERIN");
        email["accounts"]!["mail"]!["user"] = "erin";
        _home.Config("email", email).OpenAIModel("triage", _server.OpenAIBaseUrl, "triage-model")
            .RawAgentFile("inbox.md", "---\nname: inbox\nbuiltin: inbox\ntools: [email.read, email.move, email.flag, email.draft]\n---\nTriage the mail.\n");
        new FileSecretStore(_home.Root).Set("MAIL_ERIN", Password);
    }

    public async Task DisposeAsync()
    {
        await _erin.DisposeAsync();
        await _server.DisposeAsync();
        await _mail.DisposeAsync();
        _home.Dispose();
    }

    private static MimeMessage ProductUpdate(int n)
    {
        var message = MailFixtures.Plain("Acme Product <updates@acme.example>", $"Acme release {n}", "What changed this week.", $"acme-{n}@acme.example");
        message.Headers.Add(HeaderId.ListUnsubscribe, "<https://acme.example/unsubscribe>");
        message.Headers.Add(HeaderId.Precedence, "bulk");
        return message;
    }

    private static MimeMessage OpsWeekly(int n) =>
        MailFixtures.Plain("Ops Team <ops@corp.example>", $"Ops weekly {n}", "Deploys, incidents review, on-call rota.", $"ops-{n}@corp.example");

    /// <summary>What the user does in their mail client: drag a message from one folder to another.</summary>
    private async Task MoveAsync(string from, string messageId, string to)
    {
        var source = await _erin.FolderAsync(from);
        var target = await _erin.FolderAsync(to);
        await source.OpenAsync(FolderAccess.ReadWrite);
        var uid = Assert.Single(await source.SearchAsync(MailKit.Search.SearchQuery.HeaderContains("Message-ID", messageId)));
        await source.MoveToAsync(uid, target);
        await source.CloseAsync();
    }

    private static string Classify(string id, string category) => JsonSerializer.Serialize(new[] { new { id, category, reason = "looks like " + category } });

    private async Task<IReadOnlyList<string>> SubjectsAsync(string folder) => [.. (await _erin.ContentsAsync(folder)).Select(m => m.Subject).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task MailTheUserMoved_IsACorrection_AndTheSendersNextMailGoesWhereTheUserPutIt_AtOnce()
    {
        await _erin.AppendAsync("INBOX", ProductUpdate(1), OpsWeekly(1));
        _server.For("triage-model").Reply(ScriptedReply.Text(Classify("ops-1@corp.example", "newsletter")));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        var first = RunJson.Parse<RunView>(await gateway.CliAsync("run", "inbox", "-m", "triage", "--json"));
        Assert.Equal(["Acme release 1", "Ops weekly 1"], await SubjectsAsync("Newsletters"));

        // The user: Acme's releases are notifications; the ops weekly belongs in the inbox.
        await MoveAsync("Newsletters", "acme-1@acme.example", "Notifications");
        await MoveAsync("Newsletters", "ops-1@corp.example", "INBOX");
        await _erin.AppendAsync("INBOX", ProductUpdate(2), OpsWeekly(2));
        // Both are settled by the user's corrections, at no cost: Acme to Notifications, the ops weekly kept in the inbox.
        var second = RunJson.Parse<RunView>(await gateway.CliAsync("run", "inbox", "-m", "triage", "--json"));

        Assert.Equal(["Acme release 1", "Acme release 2"], await SubjectsAsync("Notifications"));
        Assert.Equal(["Ops weekly 1", "Ops weekly 2"], await SubjectsAsync("INBOX"));
        Assert.Empty(await _erin.ContentsAsync("Newsletters"));
        Assert.Contains("Learned from your corrections (2)", second.Answer, StringComparison.Ordinal);
        Assert.Contains("2 settled by rules at zero tokens, 0 by the model", second.Answer, StringComparison.Ordinal);
        Assert.Equal(0, second.Usage.ModelCalls);
        var outcomes = RunJson.Parse<List<OutcomeView>>(await gateway.CliAsync("outcomes", "--json"));
        Assert.Equal(2, outcomes.Count(o => o.Kind == "mail.corrected" && o.RunId == second.Id));
        Assert.Contains(outcomes, o => o.Kind == "mail.corrected" && o.Detail!.Contains("from Newsletters to Notifications; decided by rule:list-headers", StringComparison.Ordinal));
        Assert.Equal(2, outcomes.Count(o => o.Kind == "mail.triaged" && o.RunId == first.Id && o.Feedback == "corrected"));
        Assert.Single(RunJson.Parse<List<OutcomeView>>(await gateway.CliAsync("outcomes", "--limit", "1", "--json")));
        var link = (await gateway.CliAsync("dashboard", "--print")).Stdout.Split('\n')[0].Trim();
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = true });
        await browser.GetAsync(new Uri(link));
        var page = await browser.GetStringAsync(new Uri(gateway.BaseUrl, "usage"));
        var usage = page[page.IndexOf("<table id=\"triage-accuracy\"", StringComparison.Ordinal)..];
        usage = usage[..usage.IndexOf("</table>", StringComparison.Ordinal)];
        // One verdict so far by the model (corrected), one by the list headers (corrected), two by the corrections.
        Assert.Contains("<tr><td>list headers</td><td class=\"num\">1</td><td class=\"num\">1</td>", usage, StringComparison.Ordinal);
        Assert.Contains("<tr><td>model</td><td class=\"num\">1</td><td class=\"num\">1</td>", usage, StringComparison.Ordinal);
        Assert.Contains("<tr><td>your correction</td><td class=\"num\">2</td><td class=\"num\">0</td>", usage, StringComparison.Ordinal);

        // A second correction in the other direction wins again; an untouched pass learns nothing new.
        await MoveAsync("Notifications", "acme-2@acme.example", "Newsletters");
        await _erin.AppendAsync("INBOX", ProductUpdate(3));
        var third = RunJson.Parse<RunView>(await gateway.CliAsync("run", "inbox", "-m", "triage", "--json"));
        Assert.Equal(["Acme release 2", "Acme release 3"], await SubjectsAsync("Newsletters"));
        Assert.Contains("Learned from your corrections (1)", third.Answer, StringComparison.Ordinal);
        Assert.Equal(0, third.Usage.ModelCalls);
        var fourth = RunJson.Parse<RunView>(await gateway.CliAsync("run", "inbox", "-m", "triage", "--json"));
        Assert.Equal(0, fourth.Usage.ModelCalls);
        Assert.DoesNotContain("Learned from your corrections", fourth.Answer ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASendersHabit_NeverSwallowsAQuestionInTheOpeningLines()
    {
        // Message-IDs outside the 1-in-10 recheck sample, so the habit (not the sample) is what is tested.
        var ids = Enumerable.Range(1, 200).Select(i => $"pat-{i}@corp.example").Where(id => !Rechecked(id)).Take(5).ToList();
        MimeMessage Pat(int n, string subject, string body) => MailFixtures.Plain("Pat <pat@corp.example>", subject, body, ids[n]);
        await _erin.AppendAsync("INBOX", Pat(0, "Weekly notes 1", "Notes."), Pat(1, "Weekly notes 2", "Notes."), Pat(2, "Weekly notes 3", "Notes."));
        _server.For("triage-model").Reply(ScriptedReply.Text(JsonSerializer.Serialize(ids.Take(3).Select(id => new { id, category = "fyi", reason = "notes" }))));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        await gateway.CliAsync("run", "inbox", "-m", "triage", "--json");

        await _erin.AppendAsync("INBOX", Pat(3, "Weekly notes 4", "Hi Erin,\n\ncan you present these at noon?\n\nNotes."), Pat(4, "Weekly notes 5", "Notes."));
        _server.For("triage-model").Reply(ScriptedReply.Text(Classify(ids[3], "needs-reply")));
        var run = RunJson.Parse<RunView>(await gateway.CliAsync("run", "inbox", "-m", "triage", "--json"));

        Assert.Contains("1 settled by rules at zero tokens, 1 by the model", run.Answer, StringComparison.Ordinal);
        var prompt = _server.Requests.Last(r => r.Model == "triage-model").Body;
        Assert.Contains(ids[3], prompt, StringComparison.Ordinal);
        Assert.DoesNotContain(ids[4], prompt, StringComparison.Ordinal);
        Assert.Contains("Needs a reply (1)", run.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ColleaguesQuietMail_KeepsANewcomersInTheInbox_AtNoCost_ButMailNamingTheUserStillGoesToTheModel()
    {
        var email = MailGatewayFixture.Account(_mail, "MAIL_ERIN");
        email["accounts"]!["mail"]!["user"] = "erin";
        email["accounts"]!["mail"]!["names"] = new System.Text.Json.Nodes.JsonArray("Erin");
        _home.Config("email", email);
        string[] people = ["ann", "bob", "dan"];
        var colleagues = people.Select((who, i) => MailFixtures.Plain($"{who} <{who}@corp.example>", $"Notes {i}", "Notes.", $"{who}-{i}@corp.example")).ToArray();
        await _erin.AppendAsync("INBOX", colleagues);
        _server.For("triage-model").Reply(ScriptedReply.Text(JsonSerializer.Serialize(colleagues.Select(m => new { id = m.MessageId, category = "fyi", reason = "notes" }))));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        var first = RunJson.Parse<RunView>(await gateway.CliAsync("run", "inbox", "-m", "triage", "--json"));
        Assert.True(first.Status == MeshClaw.Core.Runs.RunStatus.Succeeded && first.Answer!.Contains("0 settled by rules at zero tokens, 3 by the model", StringComparison.Ordinal),
            $"the colleagues' mail was to be decided by the model first: {first.Status} {first.Reason}\n{first.Answer}\nmodel requests: {_server.Requests.Count}");

        // Cy writes for the first time: quiet minutes stay in the inbox by the domain's habit; slides that name Erin go to the model.
        var ids = Enumerable.Range(1, 200).Select(i => $"cy-{i}@corp.example").Where(id => !Rechecked(id)).Take(2).ToList();
        await _erin.AppendAsync("INBOX", MailFixtures.Plain("Cy <cy@corp.example>", "Minutes from Tuesday", "Team,\nthe minutes are below.", ids[0]),
            MailFixtures.Plain("Cy <cy@corp.example>", "Slides", "Team,\nErin presents the slides on Monday.", ids[1]));
        _server.For("triage-model").Reply(ScriptedReply.Text(Classify(ids[1], "needs-reply")));
        var run = RunJson.Parse<RunView>(await gateway.CliAsync("run", "inbox", "-m", "triage", "--json"));

        Assert.Contains("1 settled by rules at zero tokens, 1 by the model", run.Answer, StringComparison.Ordinal);
        var prompt = _server.Requests.Last(r => r.Model == "triage-model").Body;
        Assert.Contains(ids[1], prompt, StringComparison.Ordinal);
        Assert.DoesNotContain(ids[0], prompt, StringComparison.Ordinal);
        var outcomes = RunJson.Parse<List<OutcomeView>>(await gateway.CliAsync("outcomes", "--json"));
        Assert.Contains(outcomes, o => o.Subject == "Minutes from Tuesday" && o.Source == "rule:known-domain" && o.Detail!.Contains("people at corp.example", StringComparison.Ordinal));
        Assert.Equal(["Minutes from Tuesday", "Notes 0", "Notes 1", "Notes 2", "Slides"], await SubjectsAsync("INBOX"));
    }

    private static bool Rechecked(string id) =>
        MeshClaw.Connectors.Email.Triage.TriageRules.Classify(
            new MeshClaw.Connectors.Email.MailSummary(id, 1, "p", "pat@corp.example", "Weekly notes", DateTimeOffset.UtcNow, false, false, 1, null, null, null, null),
            [], new MeshClaw.Core.Triage.SenderKnowledge { ModelHistory = ["fyi", "fyi", "fyi"] }) is null;

    [Fact]
    public async Task AFullMorningInbox_AtDefaultLimits_IsOneAskForTheFiling_AndOneForTheDrafts()
    {
        var letters = Enumerable.Range(1, 30).Select(ProductUpdate).ToArray();
        var people = Enumerable.Range(1, 30).Select(i => MailFixtures.Plain($"Person {i} <p{i}@corp.example>", $"Lunch on day {i}?", "Shall we?", $"q-{i}@corp.example")).ToArray();
        await _erin.AppendAsync("INBOX", [.. letters, .. people]);
        foreach (var batch in people.Chunk(20))
        {
            // The model sees the messages in batches of 20.
            _server.For("triage-model").Reply(ScriptedReply.Text(JsonSerializer.Serialize(
                batch.Select(p => new { id = p.MessageId, category = "needs-reply", reason = "a question", reply = "Yes, gladly." }))));
        }
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);

        using var client = gateway.AuthorizedClient();
        var (run, asked) = await RunDriver.RunAsync(client, "inbox", "triage", approve: true);

        Assert.True(run.Status == MeshClaw.Core.Runs.RunStatus.Succeeded, $"{run.Status}: {run.Reason} {run.Answer}");
        Assert.Equal(["email_draft_batch", "email_file_batch"], asked.Select(a => a.Tool).Order(StringComparer.Ordinal));
        Assert.Equal(30, (await _erin.ContentsAsync("Newsletters")).Count);
        Assert.Equal(30, (await _erin.ContentsAsync("Drafts")).Count);
        Assert.Contains("Drafts waiting in Drafts (30)", run.Answer, StringComparison.Ordinal);

        // Undo takes back the whole run: every letter back in the inbox, every draft into quarantine.
        var undo = await gateway.CliAsync("undo", "--run", run.Id);
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Equal(60, (await _erin.ContentsAsync("INBOX")).Count);
        Assert.Empty(await _erin.ContentsAsync("Drafts"));
        Assert.Empty(await _erin.ContentsAsync("Newsletters"));
    }
}
