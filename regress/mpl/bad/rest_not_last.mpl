packet p {
    body: byte[*];
    tail: uint32;
}
