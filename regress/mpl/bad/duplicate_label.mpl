message packet p {
    msg: byte;
    classify (msg) {
    |1:"Transport_Ping" -> ();
    |2:"Transport_Ping" -> data: string32;
    };
}
