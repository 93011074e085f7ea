package dev.tide.cli;

import dev.tide.*;

public class Hello {
    public static void main(String[] args) {
        try (Streamer streamer = Streamer.connect("mem:///greetings");
             Consumer consumer = streamer.consumer(ConsumerOptions.realTime());
             Producer producer = streamer.producer()) {
            for (String name : new String[] {"Ada", "Grace", "Linus"}) {
                producer.send("hello, " + name);
            }
            consumer.flow().map(Message::asString).take(3).forEach(System.out::println);
        }
    }
}
