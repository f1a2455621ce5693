using System.Text;
using MeshClaw.Connectors.Slack;

namespace MeshClaw.Tests.Slack;

/// <summary>Slack's v0 request signature: a forged body or signature, and an old (replayed) or far-future timestamp, are refused.</summary>
public sealed class SlackSignatureTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"event_callback","event_id":"Ev1"}""");

    [Fact]
    public void SignedNow_IsAccepted()
    {
        var timestamp = "1700000000";

        Assert.Null(SlackSignature.Check(Secret, timestamp, SlackSignature.Sign(Secret, timestamp, Body), Body, Now));
    }

    [Fact]
    public void SignedWithAnotherSecret_IsRefused()
    {
        var timestamp = "1700000000";

        Assert.Equal("the signature does not match", SlackSignature.Check(Secret, timestamp, SlackSignature.Sign("not-the-secret", timestamp, Body), Body, Now));
    }

    [Fact]
    public void BodyChangedAfterSigning_IsRefused()
    {
        var timestamp = "1700000000";
        var signature = SlackSignature.Sign(Secret, timestamp, Body);

        Assert.NotNull(SlackSignature.Check(Secret, timestamp, signature, Encoding.UTF8.GetBytes("""{"type":"event_callback","event_id":"Ev2"}"""), Now));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void TimestampOutsideFiveMinutes_IsRefused_EvenWithAGoodSignature(int offsetSeconds)
    {
        var timestamp = (1_700_000_000 + offsetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var refused = SlackSignature.Check(Secret, timestamp, SlackSignature.Sign(Secret, timestamp, Body), Body, Now);

        Assert.Contains("five minutes", refused, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "v0=00")]
    [InlineData("1700000000", null)]
    [InlineData("not-a-number", "v0=00")]
    public void MissingOrMalformedHeaders_AreRefused(string? timestamp, string? signature) =>
        Assert.NotNull(SlackSignature.Check(Secret, timestamp, signature, Body, Now));
}
