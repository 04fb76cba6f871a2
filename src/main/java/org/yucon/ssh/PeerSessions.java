package org.yucon.ssh;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.yucon.config.AccountConfig;
import org.yucon.control.GuestRow;
import org.yucon.control.HostFacts;
import org.yucon.fleet.Fleet;
import org.yucon.fleet.PeerLink;
import org.yucon.util.Printable;

/**
 * Where a session channel goes in a fleet. A person's session whose guest another host holds is relayed there
 * ({@link RelaySession}); a session that a peer relays is run here for the person it names, with this host's own
 * accounts and {@code Access} (the peer vouches only for who the person is); anything else is an ordinary
 * {@link GatewaySession}.
 */
final class PeerSessions {
    /** On a server session that a pinned peer opened: that peer's name. Set once, by the authenticator. */
    static final AttributeRepository.AttributeKey<String> PEER = new AttributeRepository.AttributeKey<>();

    private final GatewayContext context;

    PeerSessions(GatewayContext context) {
        this.context = context;
    }

    Command command(ChannelSession channel, Optional<String> line) {
        String peer = channel.getSession().getAttribute(PEER);
        if (peer != null) {
            return fromPeer(peer, channel, line);
        }
        String login = channel.getSession().getUsername();
        AccountConfig account = context.accounts().account(login).orElseThrow(
                () -> new IllegalStateException("account " + login + " was removed after it logged in"));
        String from = GatewaySession.address(channel.getSession().getClientAddress());
        Optional<PeerLink> holder = holder(account, line);
        if (holder.isPresent()) {
            return new RelaySession(holder.get(), account.name(), from, line, context.audit());
        }
        return GatewaySession.command(context, account, line, from, false);
    }

    private Command fromPeer(String peer, ChannelSession channel, Optional<String> line) {
        if (line.equals(Optional.of(PeerLink.FLEET_GUESTS))) {
            return TextAnswer.out(context, fleetGuests());
        }
        String person = channel.getEnvironment().getEnv().getOrDefault(PeerLink.PERSON, "");
        Optional<AccountConfig> account = context.accounts().account(person);
        if (account.isEmpty()) {
            context.audit().record(person, "via " + peer, "relayed-login", "", "refused: no such account here");
            return TextAnswer.refusal(context, "Permission denied: " + context.settings().fleet().hostName()
                    + " has no account " + Printable.of(person));
        }
        String from = channel.getEnvironment().getEnv().getOrDefault(PeerLink.FROM, "?") + " via " + peer;
        context.audit().record(person, from, "relayed-login", "", line.orElse("menu"));
        return GatewaySession.command(context, account.get(), line, from, true);
    }

    /**
     * The peer to relay to: the one holding the guest a verb names; else, for a login that is not an admin and holds
     * no guest here, the one peer holding all its guests. Empty means this gateway serves the session itself.
     */
    private Optional<PeerLink> holder(AccountConfig account, Optional<String> line) {
        Fleet fleet = context.fleet();
        if (!fleet.isFleet()) {
            return Optional.empty();
        }
        Optional<String> guest = line.flatMap(PeerSessions::guestNamed);
        if (guest.isPresent()) {
            return fleet.holder(guest.get());
        }
        if (account.admin() || account.guests().stream().anyMatch(g -> context.guests().get(g).isPresent())) {
            return Optional.empty();
        }
        Set<PeerLink> holders = account.guests().stream().map(fleet::holder).flatMap(Optional::stream).collect(Collectors.toSet());
        return holders.size() == 1 ? holders.stream().findFirst() : Optional.empty();
    }

    /** What a peer's poll learns: this host's figures and the names of its guests. */
    private String fleetGuests() {
        HostFacts facts = HostFacts.read();
        StringBuilder b = new StringBuilder("load " + facts.load() + "\nmemory " + facts.memory() + "\n");
        context.guests().all().forEach(g -> b.append("guest ").append(g.name()).append(' ')
                .append(GuestRow.of(g).stateWord()).append('\n'));
        return b.toString();
    }

    private static Optional<String> guestNamed(String line) {
        try {
            return CommandLine.parse(line).guest();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
