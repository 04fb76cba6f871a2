package org.yucon.fleet;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.FleetSettings;
import org.yucon.ssh.DirectNio2Transport;

/**
 * This gateway's view of the other gateways of its fleet: one {@link PeerLink} each, and what each last said it holds.
 * A poll asks every peer each second, on a thread of its own, for its guests and figures ({@code fleet-guests});
 * a peer that does not answer within {@link #TIMEOUT}, or whose connection closes, is shown down at once, and up
 * again at its next answer. Readers (menus, verbs) only read the last views and never wait for a peer.
 */
public final class Fleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Fleet.class);
    /** A peer whose connection closed or failed is down at once; one that is silent, after this long. */
    public static final Duration DOWN_AFTER = Duration.ofSeconds(2);
    /**
     * How long a person's question to a peer that the polls find up (their status there) may take: a peer known to be
     * down is not asked at all, and one that is up but busy gets longer than a poll, or a loaded host would show as
     * unreachable in answers while its polls still come back.
     */
    public static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration POLL_EVERY = Duration.ofMillis(500);
    static final AttributeRepository.AttributeKey<PeerLink> LINK = new AttributeRepository.AttributeKey<>();

    private final FleetSettings settings;
    private final SshClient client;
    private final Map<String, PeerLink> links = new TreeMap<>();
    /** The last view of each peer; written by the poll threads and connection listeners, read by anyone. */
    private final Map<String, PeerView> views = new ConcurrentHashMap<>();
    /** Told when what a peer shows changed (up or down, its guests, its figures): the menus and the web page. */
    private final List<Runnable> changed = new CopyOnWriteArrayList<>();
    /** The peers being polled now: a slow peer gets no second poll on top of the first. */
    private final Set<String> polling = ConcurrentHashMap.newKeySet();
    /** When each peer last answered a poll (System.nanoTime); written by the polls. */
    private final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();
    /** This host's own guests, for finding names claimed twice. */
    private final Supplier<Collection<String>> localGuests;

    private Fleet(FleetSettings settings, SshClient client, Supplier<Collection<String>> localGuests) {
        this.settings = settings;
        this.client = client;
        this.localGuests = localGuests;
    }

    /**
     * Starts the client and the polls. {@code identity} is this gateway's host key, which the peers pin;
     * {@code polls} runs the polls, which wait for the peers.
     */
    public static Fleet start(FleetSettings settings, KeyPair identity, Supplier<Collection<String>> localGuests,
                              ScheduledExecutorService scheduler, ExecutorService polls) {
        SshClient client = SshClient.setUpDefaultClient();
        Fleet fleet = new Fleet(settings, client, localGuests);
        if (!settings.isFleet()) {
            return fleet;
        }
        client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(identity));
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        // The gateway's own transport: the launcher leaves the JDK no internal polling thread, on which MINA's
        // default transport depends (its connections to peers then hung until MINA's 60 s connect timeout).
        client.setIoServiceFactoryFactory(new DirectNio2Transport());
        // AES-GCM, which every yucon gateway offers: MINA's client would take AES-CTR with HMAC-SHA2-256 for every
        // relayed byte, once on each side of the link (measured here, per packet of 2 KB, a console flood's size:
        // 0.9 us against 1.8 us; of 32 KB, 8 us against 45 us; of a keystroke, the same).
        client.setCipherFactories(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm));
        client.setServerKeyVerifier((session, address, key) -> session.getConnectionContext().getAttribute(LINK).verify(key));
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        // A relayed console may be quiet for hours; a dead peer is found by the polls instead.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(client, Duration.ofDays(1));
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionClosed(Session session) {
                PeerLink link = ((ClientSession) session).getConnectionContext().getAttribute(LINK);
                if (link != null) {
                    fleet.show(fleet.views.get(link.peer().name()).down("connection to " + link.peer().name() + " closed"));
                }
            }
        });
        client.start();
        for (FleetSettings.Peer peer : settings.peers()) {
            fleet.links.put(peer.name(), new PeerLink(peer, client));
            fleet.views.put(peer.name(), PeerView.unknown(peer.name()));
        }
        scheduler.scheduleWithFixedDelay(() -> fleet.links.values().stream().filter(link -> fleet.polling.add(link.peer().name()))
                        .forEach(link -> polls.execute(() -> fleet.poll(link))),
                0, POLL_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return fleet;
    }

    /**
     * Asks one peer for its guests. A refused or failed connection marks it down at once; a poll that timed out only
     * once the peer has been silent for {@link #DOWN_AFTER}, so that a busy peer does not flap.
     */
    private void poll(PeerLink link) {
        String name = link.peer().name();
        try {
            PeerLink.Result answer = link.run(PeerLink.LOGIN, "", PeerLink.FLEET_GUESTS, POLL_TIMEOUT);
            lastAnswer.put(name, System.nanoTime());
            show(views.get(name).answered(answer.out()));
        } catch (PeerLink.SilentPeerException e) {
            long silent = System.nanoTime() - lastAnswer.getOrDefault(name, 0L);
            if (silent > DOWN_AFTER.toNanos()) {
                markDown(name, e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            markDown(name, e.getMessage());
        } finally {
            polling.remove(name);
        }
    }

    private void markDown(String name, String why) {
        PeerView before = views.get(name);
        if (before.up() || !before.reason().equals(why)) {
            log.warn("{}", why);
        }
        show(before.down(why));
    }

    private void show(PeerView view) {
        PeerView before = views.put(view.name(), view);
        if (!view.equals(before)) {
            changed.forEach(Runnable::run);
        }
    }

    /** {@code listener} is run, on a poll's thread, whenever what a peer shows changed; it must not block. */
    public void onChange(Runnable listener) {
        changed.add(listener);
    }

    /** What an admin's menu shows of the other hosts: each peer as last seen, and names claimed twice. */
    public FleetSight sight() {
        return new FleetSight(peers(), duplicates());
    }

    public String hostName() {
        return settings.hostName();
    }

    public boolean isFleet() {
        return settings.isFleet();
    }

    /** Every peer as last seen, by name. */
    public List<PeerView> peers() {
        return links.keySet().stream().map(views::get).toList();
    }

    public Optional<PeerLink> link(String peer) {
        return Optional.ofNullable(links.get(peer));
    }

    /** The peer that holds {@code guest}, if one that is up says so and this host does not hold it too. */
    public Optional<PeerLink> holder(String guest) {
        if (localGuests.get().contains(guest)) {
            return Optional.empty();
        }
        return peers().stream().filter(v -> v.guests().contains(guest)).findFirst().map(v -> links.get(v.name()));
    }

    /** One sentence per guest name that two hosts claim: a configuration error, shown to admins. */
    public List<String> duplicates() {
        Map<String, Collection<String>> guestsByHost = new TreeMap<>();
        guestsByHost.put(settings.hostName(), localGuests.get());
        peers().forEach(v -> guestsByHost.put(v.name(), v.guests()));
        return duplicates(guestsByHost);
    }

    static List<String> duplicates(Map<String, Collection<String>> guestsByHost) {
        Map<String, List<String>> hosts = new TreeMap<>();
        guestsByHost.forEach((host, guests) -> guests.forEach(g -> hosts.computeIfAbsent(g, k -> new ArrayList<>()).add(host)));
        return hosts.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> "guest " + e.getKey() + " is claimed by " + String.join(" and ", e.getValue())
                        + ": guest names must be unique in the fleet").toList();
    }

    @Override
    public void close() {
        links.values().forEach(PeerLink::close);
        if (client.isStarted()) {
            client.stop();
        }
    }
}
