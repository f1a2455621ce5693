using System.Text.Json.Nodes;
using MeshClaw.Connectors.Slack;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Events;
using MeshClaw.Core.Security;
using MeshClaw.Testing.Slack;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Tests.Slack;

/// <summary>
/// Approvals in Slack: a request becomes a Block Kit message in the owner's DM; a press is accepted only from the owner,
/// once, before expiry, through the same broker as the dashboard; the message then says who answered.
/// </summary>
public sealed class SlackApprovalTests : IAsyncLifetime
{
    private const string Owner = "U0OWNER1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly EnvelopeOutcomes _outcomes = new();
    private FakeSlackServer _slack = null!;
    private TestMeshClaw _meshClaw = null!;
    private SocketModeListener _listener = null!;
    private SlackApprovals _approvals = null!;
    private SlackOutboxDelivery _delivery = null!;

    private static string Dm => FakeSlackServer.DirectOf(Owner);

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        var slack = new JsonObject
        {
            ["apiBaseUrl"] = _slack.ApiBaseUrl.ToString(), ["owner"] = Owner, ["ownerChannel"] = Dm, ["botUserId"] = FakeSlackServer.BotUserId,
        };
        _meshClaw = await TestMeshClaw.CreateAsync(config: new JsonObject { ["slack"] = slack }.ToJsonString());
        var secrets = _meshClaw.Get<ISecretStore>();
        secrets.Set("SLACK_BOT_TOKEN", FakeSlackServer.BotToken);
        secrets.Set("SLACK_APP_TOKEN", FakeSlackServer.AppToken);
        _meshClaw.Get<SlackInbox>().Handled += _outcomes.Add;
        _approvals = _meshClaw.Get<SlackApprovals>();
        await _approvals.StartAsync(CancellationToken.None);
        // Approvals reach Slack through the outbox; its delivery is woken by each request (the fake clock never ticks it).
        _delivery = _meshClaw.Get<SlackOutboxDelivery>();
        await _delivery.StartAsync(CancellationToken.None);
        _listener = new SocketModeListener(_meshClaw.Get<ICurrentConfig>(), _meshClaw.Get<SlackConnections>(), _meshClaw.Get<SlackInbox>(), _meshClaw.Time,
            NullLogger<SocketModeListener>.Instance);
        await _listener.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _listener.StopAsync(CancellationToken.None);
        await _approvals.StopAsync(CancellationToken.None);
        await _delivery.StopAsync(CancellationToken.None);
        await _slack.DisposeAsync();
        await _meshClaw.DisposeAsync();
    }

    private async Task<(Approval Approval, SlackPosted Message)> RequestAsync()
    {
        var approval = await _meshClaw.Approvals.RequestAsync(new Approval
        {
            Id = "apr-" + Guid.NewGuid().ToString("N")[..8], RunId = "run-slack-test", Agent = "assistant", Tool = "slack_post", Capability = "slack.post",
            Arguments = """{"channel":"C0GENERAL","text":"<!channel> hello"}""", Target = "Slack conversation C0GENERAL",
            Reason = "the run read untrusted content and the call sends outside", CreatedAt = _meshClaw.Time.GetUtcNow(),
        }, CancellationToken.None);
        var message = await _slack.WaitAsync(() => _slack.Messages.FirstOrDefault(m => m.Channel == Dm && m.Blocks?.Contains(approval.Id, StringComparison.Ordinal) == true), Timeout);
        return (approval, message);
    }

    private async Task<string> PressAsync(string user, string action, Approval approval, SlackPosted message)
    {
        var envelope = await _slack.SendBlockActionAsync(user, action, approval.Id, message.Channel, message.Ts);
        return (await _outcomes.WaitAsync(envelope, 1, Timeout)).Single();
    }

    [Fact]
    public async Task ApprovalRequest_IsPostedToTheOwnersDm_WithTheCallTheReasonAndTwoButtons()
    {
        var (_, message) = await RequestAsync();

        Assert.Contains("slack_post", message.Text, StringComparison.Ordinal);
        Assert.Contains(ApprovalMessage.ApproveAction, message.Blocks, StringComparison.Ordinal);
        Assert.Contains(ApprovalMessage.DenyAction, message.Blocks, StringComparison.Ordinal);
        Assert.Contains("sends outside", message.Blocks, StringComparison.Ordinal);
        // The arguments are shown as text: a <!channel> in them pings nobody.
        Assert.Contains("&lt;!channel&gt;", message.Blocks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OwnerPressesApprove_TheApprovalIsAnswered_AndTheMessageSaysWhoAnswered()
    {
        var (approval, message) = await RequestAsync();

        Assert.Equal("approved", await PressAsync(Owner, ApprovalMessage.ApproveAction, approval, message));

        var stored = await _meshClaw.ApprovalStore.GetAsync(approval.Id, CancellationToken.None);
        Assert.Equal(ApprovalStatus.Approved, stored!.Status);
        Assert.Equal($"slack:{Owner}", stored.DecidedBy);
        var edited = await _slack.WaitAsync(() => _slack.Messages.FirstOrDefault(m => m.Ts == message.Ts && m.Text.StartsWith("Approved by", StringComparison.Ordinal)), Timeout);
        Assert.DoesNotContain(ApprovalMessage.ApproveAction, edited.Blocks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OwnerPressesApprove_AfterARestart_TheApprovalIsAnswered_AndTheMessageStillSaysWhoAnswered()
    {
        var (approval, message) = await RequestAsync();
        // As after a restart: the approvals' messenger is a new one, with nothing in memory.
        await _approvals.StopAsync(CancellationToken.None);
        var restarted = new SlackApprovals(_meshClaw.Get<IEventStream>(), _meshClaw.Get<ICurrentConfig>(), _meshClaw.Get<SlackConnections>(),
            _meshClaw.Get<MeshClaw.Core.Channels.IOutbox>(), _delivery, _meshClaw.Time, NullLogger<SlackApprovals>.Instance);
        await restarted.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal("approved", await PressAsync(Owner, ApprovalMessage.ApproveAction, approval, message));

            var edited = await _slack.WaitAsync(() => _slack.Messages.FirstOrDefault(m => m.Ts == message.Ts && m.Text.StartsWith("Approved by", StringComparison.Ordinal)), Timeout);
            Assert.DoesNotContain(ApprovalMessage.ApproveAction, edited.Blocks, StringComparison.Ordinal);
            Assert.Single(_slack.Messages, m => m.Blocks?.Contains(approval.Id, StringComparison.Ordinal) == true);
        }
        finally
        {
            await restarted.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task SomeoneElsePresses_IsRefusedAndAudited_AndTheApprovalStaysPending()
    {
        var (approval, message) = await RequestAsync();

        Assert.Equal("refused", await PressAsync("U0STRANGE", ApprovalMessage.ApproveAction, approval, message));

        Assert.Equal(ApprovalStatus.Pending, (await _meshClaw.ApprovalStore.GetAsync(approval.Id, CancellationToken.None))!.Status);
        var audit = await _meshClaw.AuditReader.RecentAsync(20, null, CancellationToken.None);
        Assert.Contains(audit, r => r.Kind == "slack.approval-refused" && r.Actor == "slack:U0STRANGE");
    }

    [Fact]
    public async Task SecondPress_AfterAnAnswerInTheDashboard_IsToldAlreadyAnswered()
    {
        var (approval, message) = await RequestAsync();
        await _meshClaw.Approvals.AnswerAsync(approval.Id, ApprovalStatus.Denied, "dashboard", null, CancellationToken.None);

        Assert.Equal("not answered", await PressAsync(Owner, ApprovalMessage.ApproveAction, approval, message));

        Assert.Equal(ApprovalStatus.Denied, (await _meshClaw.ApprovalStore.GetAsync(approval.Id, CancellationToken.None))!.Status);
        await _slack.WaitAsync(() => _slack.Messages.FirstOrDefault(m => m.ThreadTs == message.Ts && m.Text.Contains("already denied", StringComparison.Ordinal)), Timeout);
    }

    [Fact]
    public async Task PressAfterExpiry_IsRefused_AndNothingIsApproved()
    {
        var (approval, message) = await RequestAsync();
        _meshClaw.Time.Advance(TimeSpan.FromHours(2));

        Assert.Equal("not answered", await PressAsync(Owner, ApprovalMessage.ApproveAction, approval, message));

        Assert.NotEqual(ApprovalStatus.Approved, (await _meshClaw.ApprovalStore.GetAsync(approval.Id, CancellationToken.None))!.Status);
        await _slack.WaitAsync(() => _slack.Messages.FirstOrDefault(m => m.ThreadTs == message.Ts && m.Text.Contains("expired", StringComparison.Ordinal)), Timeout);
    }
}
