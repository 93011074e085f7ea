package dev.tide.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class CodecTest {

    @Test
    void crcCheckValues() {
        assertThat(Crc16.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x4C06);
        assertThat(Crc16.of("hello, world".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x8028);
        assertThat(Crc16.of("EOS".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xED7C);
        assertThat(Crc16.of(new byte[0])).isEqualTo(0xFFFF);
    }

    @Test
    void runningChecksumIsTheCrcOfTheConcatenation() {
        int crc = Crc16.INIT;
        for (byte b : "123456789abcd".getBytes(StandardCharsets.US_ASCII)) {
            crc = Crc16.update(crc, b);
        }
        assertThat(crc).isEqualTo(0xA106).isEqualTo(Crc16.of("123456789abcd".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void markersPerBeacon() {
        assertThat(Layout.markersPerBeacon(640)).isEqualTo(1);
        assertThat(Layout.markersPerBeacon(1024)).isEqualTo(1);
        assertThat(Layout.markersPerBeacon(1 << 20)).isEqualTo(127);
        assertThat(Layout.markersPerBeacon(128)).isZero();
        assertThat(Layout.markersPerBeacon(570)).isZero();
        assertThat(Layout.markersPerBeacon(571)).isEqualTo(1);
        assertThat(Layout.maxMarkers(571)).isEqualTo(2);
    }

    @Test
    void headerRoundTrips() {
        FileHeader h = new FileHeader("hello", 1_691_686_154_742L, 12345);
        byte[] bytes = h.encode();
        assertThat(bytes).hasSize(128);
        assertThat(bytes[127]).isEqualTo((byte) 0x0D);
        assertThat(FileHeader.decode(bytes)).isEqualTo(h);
        assertThat(FileHeader.paddingProblem(bytes)).isEqualTo(-1);
    }

    @Test
    void longFileNamesAreCutToFit() {
        String name = "é".repeat(100);
        FileHeader h = FileHeader.create(name, 0, 1024);
        assertThat(h.fileName().getBytes(StandardCharsets.UTF_8)).hasSize(110);
        assertThat(FileHeader.decode(h.encode())).isEqualTo(h);
    }

    @ParameterizedTest
    @FieldSource("dev.tide.file.Vectors#ALL")
    void readsEveryFrameTheAnnotationLists(String name) {
        byte[] file = Vectors.ss(name);
        List<Vectors.Frame> frames = Vectors.frames(file);
        String annotation = Vectors.text(name + ".annotate.txt");
        Matcher count = Pattern.compile("messages=(\\d+) beacons=(\\d+) eos=(\\w+)").matcher(annotation);
        assertThat(count.find()).isTrue();
        assertThat(frames).hasSize(Integer.parseInt(count.group(1)));
        Matcher msg = Pattern.compile("@(\\d+)\\s+msg key=(\\S+) shard=(\\d+) seq=(\\d+) .* crc=0x([0-9A-F]{4})\\(ok\\)"
                + " trail=0x0D end=(\\d+)").matcher(annotation);
        int i = 0;
        while (msg.find()) {
            Vectors.Frame f = frames.get(i++);
            assertThat(f.key()).isEqualTo(msg.group(2));
            assertThat(f.shard()).isEqualTo(Long.parseLong(msg.group(3)));
            assertThat(f.seq()).isEqualTo(Long.parseLong(msg.group(4)));
            assertThat(Crc16.of(f.payload())).isEqualTo(Integer.parseInt(msg.group(5), 16));
            assertThat(f.end()).isEqualTo(Long.parseLong(msg.group(6)));
        }
        assertThat(i).isEqualTo(frames.size());
        boolean eos = Boolean.parseBoolean(count.group(3).toLowerCase());
        Vectors.Frame last = frames.get(frames.size() - 1);
        assertThat(Layout.isEos(last.key(), last.payload(), 0, last.payload().length)).isEqualTo(eos);
    }

    @ParameterizedTest
    @FieldSource("dev.tide.file.Vectors#ALL")
    void reencodingGivesTheSameBytes(String name) {
        byte[] file = Vectors.ss(name);
        byte[] again = Vectors.encode(Vectors.header(file), Vectors.frames(file));
        assertThat(again).isEqualTo(file);
    }

    @Test
    void beaconsAreWhereTheAnnotationSays() throws IOException {
        byte[] file = Vectors.ss("consumer");
        SsReader r = new SsReader(ByteSource.of(file));
        r.readHeader();
        Beacon b = r.beaconAt(1024);
        assertThat(b.remaining()).isEqualTo(39);
        assertThat(b.size()).isEqualTo(39);
        assertThat(b.markers()).containsExactly(new Marker("hello", 1, 20, 1_691_686_154_773L, 0x0B47));
        assertThat(r.beaconAt(8192)).isNull();
    }

    @Test
    void sizeOfPredictsTheBytesAppended() {
        for (int interval : new int[] {128, 256, 640, 1024}) {
            Bytes out = new Bytes(1024);
            SsEncoder enc = new SsEncoder(interval, 128);
            enc.begin(out);
            for (int i = 0; i < 200; i++) {
                StreamShard s = new StreamShard("k" + (i % 7), i % 3);
                byte[] p = new byte[(i * 37) % 900];
                long predicted = enc.sizeOf(s, p.length);
                int before = out.length();
                enc.append(out, s, i, i, p, 0, p.length);
                assertThat(out.length() - before).as("frame %d, interval %d", i, interval).isEqualTo(predicted);
            }
        }
    }
}
