package dev.chat.support;

import static io.restassured.RestAssured.given;

import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Requests from another client address: Linux routes all of 127.0.0.0/8 to the loopback interface, so a
 * client socket bound to 127.x.y.z reaches the service on 127.0.0.1 and is seen as coming from 127.x.y.z.
 * Per-address limits can so be tested with several "clients" on one machine, and each test can take an
 * address of its own.
 */
public final class FromAddress {

    private FromAddress() {}

    /** A loopback address no other test of this run is likely to use. */
    public static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + "." + random.nextInt(1, 255);
    }

    @SuppressWarnings("deprecation") // RestAssured's Apache HttpClient 4 takes the local address as this parameter
    public static RequestSpecification from(String address) {
        try {
            InetAddress local = InetAddress.getByName(address);
            return given().config(RestAssured.config()
                            .httpClient(HttpClientConfig.httpClientConfig()
                                    .setParam(org.apache.http.conn.params.ConnRoutePNames.LOCAL_ADDRESS, local)))
                    .contentType(ContentType.JSON);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }
}
